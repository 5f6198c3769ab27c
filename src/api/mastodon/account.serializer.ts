// Our actors as Mastodon Account entities (docs.joinmastodon.org/entities/Account).
// No field Mastodon always sends is null: images fall back to defaults.
import type { ActorCard } from "../../db/schema.ts";
import type { AccountStats } from "../../services/posts/timeline.service.ts";
import { profileFieldsOf, renderFieldValue } from "../../services/accounts/profile.service.ts";

export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  locked: boolean;
  fields: Array<{ name: string; value: string; verified_at: null }>;
  emojis: never[];
  bot: boolean;
  group: boolean;
  discoverable: boolean;
  indexable: boolean;
  noindex: boolean;
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Midnight UTC of the day, as Mastodon rounds created_at. */
function day(date: Date): string {
  return `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

export function toMastodonAccount(actor: ActorCard, stats: AccountStats | undefined, origin: URL): MastodonAccount {
  const avatar = actor.icon_url ?? new URL("/static/avatar.png", origin).href;
  const header = actor.header_url ?? new URL("/static/header.png", origin).href;
  // Remote summaries are stored sanitised HTML; local bios are plain text.
  const note = actor.summary ? (actor.is_local ? `<p>${escapeHtml(actor.summary)}</p>` : actor.summary) : "";
  return {
    id: actor.id,
    username: actor.username,
    acct: actor.is_local ? actor.username : `${actor.username}@${actor.domain}`,
    url: actor.url ?? actor.uri,
    uri: actor.uri,
    display_name: actor.name ?? "",
    note,
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    locked: actor.locked,
    fields: profileFieldsOf(actor).map((f) => ({ name: escapeHtml(f.name), value: renderFieldValue(f.value, origin), verified_at: null })),
    emojis: [],
    bot: actor.type === "Service" || actor.type === "Application",
    group: actor.type === "Group",
    discoverable: actor.type === "Person" || actor.type === "Group",
    indexable: false,
    noindex: true,
    created_at: day(actor.created_at),
    last_status_at: stats?.lastStatusAt ? stats.lastStatusAt.toISOString().slice(0, 10) : null,
    statuses_count: stats?.statuses ?? 0,
    followers_count: stats?.followers ?? 0,
    following_count: stats?.following ?? 0,
  };
}
