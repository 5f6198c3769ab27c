// Actors as services see them: local profiles, cached remote actors, and the
// public view other layers serialise.
import type { RemoteActorData } from "../../db/repos/remote-actor.repo.ts";
import { findActorByHandle, findActorById, findActorByUri, markActorGone, upsertRemoteActor } from "../../db/repos/remote-actor.repo.ts";
import { findLocalActorByUsername, type LocalActorProfile } from "../../db/queries/actor.queries.ts";
import { actorsByUris } from "../../db/queries/post.queries.ts";
import { deleteFollowsOf } from "../../db/repos/account-deletion.repo.ts";
import type { ActorCard, ActorRow } from "../../db/schema.ts";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { domainOf } from "../../domain/uris.ts";
import type { ServiceContext } from "../context.ts";
import { noticeRemoteDomain } from "../organizations/organization.service.ts";
import { ensureGroupRow } from "../groups/group-cache.ts";
import { sanitizeHtml, stripHtml } from "../html.ts";
import { forgetRecentActor, recentActor, recentActorsEpoch, rememberRecentActor } from "./recent-actors.ts";

export type { RemoteActorData };

export interface ActorView {
  id: string;
  uri: string;
  handle: string;
  username: string;
  domain: string;
  local: boolean;
  type: string;
  displayName: string | null;
  summary: string | null;
  url: string | null;
  locked: boolean;
  /** Their picture (icon), when they have one. */
  avatarUrl: string | null;
}

export function toActorView(row: ActorCard): ActorView {
  return {
    id: row.id,
    uri: row.uri,
    handle: `@${row.username}@${row.domain}`,
    username: row.username,
    domain: row.domain,
    local: row.is_local,
    type: row.type,
    displayName: row.name,
    summary: row.summary,
    url: row.url,
    locked: row.locked,
    avatarUrl: row.icon_url,
  };
}

export async function getLocalActor(ctx: ServiceContext, username: string) {
  return (await findLocalActorByUsername(ctx.db, username)) ?? null;
}

export async function requireLocalUserActor(ctx: ServiceContext, username: string): Promise<LocalActorProfile> {
  const actor = await findLocalActorByUsername(ctx.db, username);
  if (!actor || !actor.user_id) throw notFound(`No local user "${username}"`);
  return actor;
}

export async function rememberRemoteActor(ctx: ServiceContext, data: RemoteActorData): Promise<ActorRow> {
  if (new URL(data.uri).origin === ctx.origin.origin) {
    throw validationFailed(`Refusing to cache ${data.uri} as a remote actor: it is on this instance`);
  }
  // Names are plain text; bios are HTML that clients render: both cleaned
  // before they are stored, like every other HTML from elsewhere.
  const row = await upsertRemoteActor(ctx.db, {
    ...data,
    username: stripHtml(data.username).slice(0, 100) || "unknown",
    name: data.name === null ? null : stripHtml(data.name).slice(0, 200),
    // Cut before sanitizing: slicing sanitized HTML could end it inside a tag.
    summary: data.summary === null ? null : sanitizeHtml(data.summary, 5000),
    url: data.url && /^https?:\/\//.test(data.url) ? data.url : null,
    iconUrl: data.iconUrl && /^https?:\/\//.test(data.iconUrl) ? data.iconUrl : null,
    headerUrl: data.headerUrl && /^https?:\/\//.test(data.headerUrl) ? data.headerUrl : null,
    // Field values are kept as plain text and linked again when shown.
    fields: (data.fields ?? []).slice(0, 8).map((f) => ({ name: stripHtml(f.name).slice(0, 255), value: stripHtml(f.value).slice(0, 2047) })),
  });
  // Every actor we meet belongs to an organization; an instance actor's new profile may be its new name.
  await noticeRemoteDomain(ctx, row.domain, { force: row.type === "Application" });
  // A group's new document may change its settings (visibility, questions).
  if (row.type === "Group") await ensureGroupRow(ctx.db, row);
  forgetRecentActor(ctx, row.uri);
  return row;
}

export async function findCachedActor(ctx: ServiceContext, uri: string): Promise<ActorRow | null> {
  return (await findActorByUri(ctx.db, uri)) ?? null;
}

/** The row of an activity's verified sender, read at most once per few seconds (recent-actors.ts). */
export async function findSenderActor(ctx: ServiceContext, uri: string): Promise<ActorRow | null> {
  const recent = recentActor(ctx, uri);
  if (recent) return recent;
  const epoch = recentActorsEpoch(ctx);
  const row = await findCachedActor(ctx, uri);
  if (row) rememberRecentActor(ctx, row, epoch);
  return row;
}

/** Cached actors by URI, in one query (those we have never met are absent). */
export async function findCachedActors(ctx: ServiceContext, uris: string[]): Promise<ActorRow[]> {
  return uris.length === 0 ? [] : actorsByUris(ctx.db, [...new Set(uris)]);
}

export async function forgetGoneActor(ctx: ServiceContext, uri: string): Promise<void> {
  await markActorGone(ctx.db, uri);
  forgetRecentActor(ctx, uri);
  // A deleted account follows no one and belongs to no group any more.
  const gone = await findActorByUri(ctx.db, uri);
  if (gone && !gone.is_local) await deleteFollowsOf(ctx.db, gone.id);
}

/** Parses `@user@host`, `user@host` or `acct:user@host`; null for anything else. */
export function parseHandle(text: string): { username: string; domain: string } | null {
  const match = /^(?:acct:)?@?([^@\s/]+)@([^@\s/]+)$/i.exec(text.trim());
  if (!match) return null;
  return { username: match[1]!, domain: match[2]!.toLowerCase() };
}

/**
 * Finds an actor by handle or URI: our own users directly, others from the
 * cache or, failing that (unless `fetch: false`), through the network.
 */
export async function resolveActor(ctx: ServiceContext, handleOrUri: string, options: { fetch?: boolean } = {}): Promise<ActorRow> {
  // "@paul" or "paul" alone names someone on this instance, as in Mastodon.
  const short = /^@?([a-zA-Z0-9_]+)$/.exec(handleOrUri.trim());
  const handle = short ? { username: short[1]!, domain: domainOf(ctx.origin).toLowerCase() } : parseHandle(handleOrUri);
  const ownDomain = domainOf(ctx.origin);
  if (handle && handle.domain === ownDomain.toLowerCase()) {
    const local = await findLocalActorByUsername(ctx.db, handle.username);
    if (!local) throw notFound(`No user @${handle.username} on this instance`);
    return local;
  }
  if (!handle) {
    let url: URL;
    try {
      url = new URL(handleOrUri);
    } catch {
      throw validationFailed(`"${handleOrUri}" is neither a handle like @name@example.com nor a URL`);
    }
    const cached = await findActorByUri(ctx.db, url.href);
    if (cached && (cached.is_local || cached.fetched_at)) return cached;
  } else {
    const cached = await findActorByHandle(ctx.db, handle.username, handle.domain);
    if (cached) return cached;
  }
  // An anonymous caller gets only what we know: it may not make us fetch, and store, a remote actor.
  if (options.fetch === false) throw notFound(`No account ${handleOrUri} known here; sign in to look it up on its server`);
  if (!ctx.remote) throw notFound(`Cannot look up ${handleOrUri}: federation is not available here`);
  return ctx.remote.resolveActor(handleOrUri);
}

export async function getActorById(ctx: ServiceContext, id: string): Promise<ActorRow | null> {
  if (!/^\d{1,25}$/.test(id)) return null;
  return (await findActorById(ctx.db, id)) ?? null;
}
