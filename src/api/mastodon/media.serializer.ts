// Our media rows as Mastodon MediaAttachment entities.
import type { MediaRow } from "../../db/schema.ts";

export interface MastodonMedia {
  id: string;
  type: "image" | "video" | "gifv" | "audio" | "unknown";
  url: string;
  preview_url: string;
  remote_url: string | null;
  text_url: null;
  meta: Record<string, unknown>;
  description: string | null;
  blurhash: null;
}

export function toMastodonMedia(media: MediaRow, origin: URL): MastodonMedia {
  const url = media.remote_url ?? new URL(`/media/${media.file_name}`, origin).href;
  const original =
    media.width && media.height
      ? { width: media.width, height: media.height, size: `${media.width}x${media.height}`, aspect: media.width / media.height }
      : null;
  return {
    id: media.id,
    type: media.type === "image" || media.type === "video" ? media.type : "unknown",
    url,
    preview_url: url,
    remote_url: media.remote_url,
    text_url: null,
    meta: original ? { original, small: original } : {},
    description: media.description,
    blurhash: null,
  };
}
