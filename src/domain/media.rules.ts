// What may be uploaded: images of known types, recognised by their first
// bytes (never by the name or the declared type), up to a size limit.
import { validationFailed } from "./errors.ts";

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 4;

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const EXTENSIONS: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp" };

export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) return "image/webp";
  return null;
}

export function extensionOf(type: ImageType): string {
  return EXTENSIONS[type];
}

/** Width and height from PNG and GIF headers; null for others. */
export function imageSize(bytes: Uint8Array, type: ImageType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "image/png" && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (type === "image/gif" && bytes.length >= 10) return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  return null;
}

export function checkUpload(bytes: Uint8Array): ImageType {
  if (bytes.length === 0) throw validationFailed("The file is empty");
  if (bytes.length > MAX_IMAGE_BYTES) throw validationFailed(`Images are at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  const type = sniffImageType(bytes);
  if (!type) throw validationFailed(`Only ${IMAGE_TYPES.join(", ")} images can be uploaded`);
  return type;
}
