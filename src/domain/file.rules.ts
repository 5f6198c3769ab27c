// What may be attached besides images: documents of known kinds, recognised
// by their name's extension AND their first bytes (a "report.pdf" that is
// not a PDF is refused), up to a size limit. The type we later serve comes
// from this table, never from what the browser declared. Nothing a browser
// would run or render as a page (HTML, SVG, XML, scripts) is on the list;
// even a .txt holding markup is served as a download (ADR 0053).
import { validationFailed } from "./errors.ts";
import { MAX_IMAGE_BYTES } from "./media.rules.ts";

export const MAX_FILE_BYTES = MAX_IMAGE_BYTES;

type Magic = "pdf" | "zip" | "ole" | "text";

interface FileKind {
  mimeType: string;
  magic: Magic;
  /** What the file card says: "PDF", "Spreadsheet"… */
  label: string;
}

const KINDS: Record<string, FileKind> = {
  pdf: { mimeType: "application/pdf", magic: "pdf", label: "PDF" },
  txt: { mimeType: "text/plain", magic: "text", label: "Text" },
  md: { mimeType: "text/markdown", magic: "text", label: "Text" },
  csv: { mimeType: "text/csv", magic: "text", label: "Spreadsheet" },
  docx: { mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", magic: "zip", label: "Document" },
  xlsx: { mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", magic: "zip", label: "Spreadsheet" },
  pptx: { mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", magic: "zip", label: "Slides" },
  odt: { mimeType: "application/vnd.oasis.opendocument.text", magic: "zip", label: "Document" },
  ods: { mimeType: "application/vnd.oasis.opendocument.spreadsheet", magic: "zip", label: "Spreadsheet" },
  odp: { mimeType: "application/vnd.oasis.opendocument.presentation", magic: "zip", label: "Slides" },
  doc: { mimeType: "application/msword", magic: "ole", label: "Document" },
  xls: { mimeType: "application/vnd.ms-excel", magic: "ole", label: "Spreadsheet" },
  ppt: { mimeType: "application/vnd.ms-powerpoint", magic: "ole", label: "Slides" },
  zip: { mimeType: "application/zip", magic: "zip", label: "Archive" },
};

export const FILE_EXTENSIONS = Object.keys(KINDS);

/** The extensions a stored file may carry (the media service's file-name pattern). */
export const FILE_EXTENSION_PATTERN = FILE_EXTENSIONS.join("|");

export interface CheckedFile {
  extension: string;
  mimeType: string;
  /** The name to offer on download: the uploaded one, without path or control characters. */
  name: string;
}

export function extensionOfName(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"];

/**
 * Whether an upload is taken as an image (checked by media.rules.ts) or as a
 * file (checked here), by its name: the one rule for the web composer and
 * the Mastodon media API. A nameless upload is an image, as older forms and
 * apps sent them.
 */
export function isImageUpload(fileName: string): boolean {
  const ext = extensionOfName(fileName);
  return ext === "" || IMAGE_EXTENSIONS.includes(ext);
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** Text: valid UTF-8 with no NUL byte (a binary renamed .txt is refused). */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function matches(bytes: Uint8Array, magic: Magic): boolean {
  switch (magic) {
    case "pdf":
      return startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]); // %PDF-
    case "zip":
      return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]);
    case "ole":
      return startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    case "text":
      return isText(bytes);
  }
}

/** A file name safe to show and to offer in Content-Disposition: no folders, no control characters, at most 200 characters. */
export function cleanFileName(raw: string): string {
  const base = (raw.split(/[/\\]/).pop() ?? "").replace(/[\u0000-\u001f\u007f"]/g, "").trim();
  if (base.length <= 200) return base;
  const ext = extensionOfName(base);
  return `${base.slice(0, 190)}….${ext}`;
}

export function fileKindLabel(extension: string): string {
  return KINDS[extension]?.label ?? "File";
}

export function checkFile(bytes: Uint8Array, uploadedName: string): CheckedFile {
  const name = cleanFileName(uploadedName);
  if (bytes.length === 0) throw validationFailed(`${name || "The file"} is empty`);
  if (bytes.length > MAX_FILE_BYTES)
    throw validationFailed(`Files are at most ${MAX_FILE_BYTES / 1024 / 1024} MB; ${name} is ${(bytes.length / 1024 / 1024).toFixed(1)} MB`);
  const extension = extensionOfName(name);
  const kind = KINDS[extension];
  if (!kind) throw validationFailed(`${name || "This file"} cannot be attached: only ${FILE_EXTENSIONS.map((e) => `.${e}`).join(", ")} files and images`);
  if (!matches(bytes, kind.magic)) throw validationFailed(`${name} is not a real .${extension} file (its contents say otherwise)`);
  return { extension, mimeType: kind.mimeType, name };
}
