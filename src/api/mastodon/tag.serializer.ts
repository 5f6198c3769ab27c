// The Mastodon Tag and FeaturedTag entities (docs.joinmastodon.org/entities/Tag,
// /entities/FeaturedTag). Tag history counts are strings, days are UNIX times.
import type { FeaturedTag, TagInfo } from "../../services/posts/tag.service.ts";

export interface MastodonTag {
  name: string;
  url: string;
  history: Array<{ day: string; uses: string; accounts: string }>;
  following?: boolean;
}

export function toMastodonTag(tag: TagInfo, origin: URL): MastodonTag {
  return {
    name: tag.name,
    url: new URL(`/tags/${encodeURIComponent(tag.name)}`, origin).href,
    history: tag.history.map((h) => ({ day: String(Math.floor(h.day.getTime() / 1000)), uses: String(h.uses), accounts: String(h.accounts) })),
    ...(tag.following !== undefined ? { following: tag.following } : {}),
  };
}

export function toMastodonFeaturedTag(tag: FeaturedTag, owner: { username: string; url: string | null; uri: string }) {
  return {
    id: tag.id,
    name: tag.name,
    url: `${(owner.url ?? owner.uri).replace(/\/$/, "")}/tagged/${encodeURIComponent(tag.name)}`,
    statuses_count: String(tag.statusesCount),
    last_status_at: tag.lastStatusAt ? tag.lastStatusAt.toISOString().slice(0, 10) : null,
  };
}
