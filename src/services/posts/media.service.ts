// Media: images and files (PDF, text, office documents) uploaded by local
// users (stored on local disk under the data directory, served from /media/)
// and attachments of remote posts (links).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Transaction } from "kysely";
import { attachMedia, findMedia, findMediaByFileName, insertMedia, updateMediaDescription } from "../../db/repos/media.repo.ts";
import type { Database, MediaRow } from "../../db/schema.ts";
import { forbidden, notFound, validationFailed } from "../../domain/errors.ts";
import { newId } from "../../domain/ids.ts";
import { checkUpload, extensionOf, imageSize, MAX_ATTACHMENTS } from "../../domain/media.rules.ts";
import { checkFile, FILE_EXTENSION_PATTERN, isImageUpload } from "../../domain/file.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { ANONYMOUS, canSeePost, type Viewer } from "../visibility.service.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { randomBytes } from "node:crypto";

function mediaDir(ctx: ServiceContext): string {
  if (!ctx.mediaDir) throw validationFailed("Media storage is not configured on this instance");
  return ctx.mediaDir;
}

/** Writes an upload to disk under a new name; the name is a capability: only doors that asked the visibility rule hand it out. */
async function storeBytes(ctx: ServiceContext, id: string, extension: string, bytes: Uint8Array): Promise<string> {
  const fileName = `${id}-${randomBytes(16).toString("hex")}.${extension}`;
  await mkdir(mediaDir(ctx), { recursive: true });
  await writeFile(join(mediaDir(ctx), fileName), bytes, { flag: "wx" });
  return fileName;
}

export async function uploadMedia(ctx: ServiceContext, username: string, input: { bytes: Uint8Array; description?: string | undefined }): Promise<MediaRow> {
  const owner = await requireLocalUserActor(ctx, username);
  const type = checkUpload(input.bytes);
  const id = newId();
  const fileName = await storeBytes(ctx, id, extensionOf(type), input.bytes);
  const size = imageSize(input.bytes, type);
  return insertMedia(ctx.db, {
    id,
    owner_id: owner.id,
    type: "image",
    mime_type: type,
    file_name: fileName,
    size: input.bytes.length,
    width: size?.width ?? null,
    height: size?.height ?? null,
    description: input.description?.slice(0, 1500) ?? null,
  });
}

/**
 * A file that is not an image: checked by its name and its first bytes
 * (src/domain/file.rules.ts), stored like an image under a capability name,
 * with the name it was uploaded under kept for the download.
 */
export async function uploadFile(
  ctx: ServiceContext,
  username: string,
  input: { bytes: Uint8Array; fileName: string; description?: string | undefined },
): Promise<MediaRow> {
  const owner = await requireLocalUserActor(ctx, username);
  const file = checkFile(input.bytes, input.fileName);
  const id = newId();
  const fileName = await storeBytes(ctx, id, file.extension, input.bytes);
  return insertMedia(ctx.db, {
    id,
    owner_id: owner.id,
    type: "document",
    mime_type: file.mimeType,
    file_name: fileName,
    original_name: file.name,
    size: input.bytes.length,
    description: input.description?.slice(0, 1500) ?? null,
  });
}

/**
 * An image or a file, told apart by its name (`isImageUpload`) and each
 * checked by its own rule: the web composer and `/api/v2/media` store uploads
 * through this one door, so both take and refuse the same things.
 */
export async function uploadAttachment(
  ctx: ServiceContext,
  username: string,
  input: { bytes: Uint8Array; fileName: string; description?: string | undefined },
): Promise<MediaRow> {
  return isImageUpload(input.fileName) ? uploadMedia(ctx, username, input) : uploadFile(ctx, username, input);
}

async function requireOwnMedia(ctx: ServiceContext, username: string, id: string): Promise<MediaRow> {
  const owner = await requireLocalUserActor(ctx, username);
  const media = await findMedia(ctx.db, id);
  if (!media || media.owner_id !== owner.id) throw notFound("Record not found");
  return media;
}

export async function getOwnMedia(ctx: ServiceContext, username: string, id: string): Promise<MediaRow> {
  return requireOwnMedia(ctx, username, id);
}

export async function describeMedia(ctx: ServiceContext, username: string, id: string, description: string | null) {
  const media = await requireOwnMedia(ctx, username, id);
  await updateMediaDescription(ctx.db, media.id, description?.slice(0, 1500) ?? null);
  return (await findMedia(ctx.db, media.id))!;
}

/** Checks and attaches uploads to a new post, inside its transaction. */
export async function attachUploads(trx: Transaction<Database>, postId: string, ownerId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  if (ids.length > MAX_ATTACHMENTS) throw validationFailed(`A post has at most ${MAX_ATTACHMENTS} attachments`);
  for (const id of ids) {
    const media = await findMedia(trx, id);
    if (!media || media.owner_id !== ownerId) throw validationFailed(`Unknown media ${id}`);
    if (media.post_id) throw forbidden(`Media ${id} is already attached to another post`);
  }
  await attachMedia(trx, postId, ids);
}

/** Attachments of a post from another server, kept as links. */
export async function rememberRemoteAttachments(
  trx: Transaction<Database>,
  postId: string,
  ownerId: string,
  attachments: Array<{ url: string; mediaType: string | null; description: string | null; width: number | null; height: number | null }>,
): Promise<void> {
  for (const [position, a] of attachments.slice(0, 8).entries()) {
    if (!/^https?:\/\//.test(a.url)) continue;
    await insertMedia(trx, {
      id: newId(),
      owner_id: ownerId,
      post_id: postId,
      type: a.mediaType?.startsWith("image/") ? "image" : a.mediaType?.startsWith("video/") ? "video" : "unknown",
      mime_type: a.mediaType ?? "application/octet-stream",
      remote_url: a.url,
      description: a.description?.slice(0, 1500) ?? null,
      width: a.width,
      height: a.height,
      position,
    });
  }
}

export function mediaUrl(ctx: ServiceContext, media: MediaRow): string {
  return media.remote_url ?? new URL(`/media/${media.file_name}`, ctx.origin).href;
}

/** A name we hand out carries 128 random bits; older uploads (images only) have the bare id. */
const CAPABILITY_NAME = new RegExp(`^\\d{19}-[0-9a-f]{32}\\.(png|jpg|gif|webp|${FILE_EXTENSION_PATTERN})$`);
const BARE_NAME = /^\d{19}\.(png|jpg|gif|webp)$/;

/**
 * The bytes of an uploaded file, by its public name, when this viewer may
 * have them: a file of a post the viewer may see (the one visibility rule),
 * one's own upload, or a capability name (handed out only by the doors that
 * asked that rule). A guessed name of someone else's members-only post is
 * not there.
 */
export async function readUpload(
  ctx: ServiceContext,
  fileName: string,
  viewer: Viewer = ANONYMOUS,
): Promise<{
  bytes: Buffer;
  mimeType: string;
  /** Set for files that are not images: they are downloaded, never shown inline. */ downloadName: string | null;
} | null> {
  const capability = CAPABILITY_NAME.test(fileName);
  if (!capability && !BARE_NAME.test(fileName)) return null;
  const media = await findMediaByFileName(ctx.db, fileName);
  if (!media) return null;
  if (!capability && !(await maySee(ctx, viewer, media))) return null;
  const downloadName = media.type === "image" ? null : (media.original_name ?? fileName);
  return { bytes: await readFile(join(mediaDir(ctx), fileName)), mimeType: media.mime_type, downloadName };
}

async function maySee(ctx: ServiceContext, viewer: Viewer, media: MediaRow): Promise<boolean> {
  if (viewer.kind === "actor" && viewer.actorId === media.owner_id) return true;
  const post = media.post_id ? await findPostById(ctx.db, media.post_id) : undefined;
  return post !== undefined && canSeePost(ctx, viewer, post);
}
