// The member list of a group hosted elsewhere, as its home serves it (the
// followers collection, to our instance actor's signed fetch). The whole list
// (for counting votes and levels) is kept for a minute so a page and its API
// calls do not refetch it each time; the members page reads one page of it.
// Null when the home cannot be asked (offline CLI, home unreachable).
import { actorsByUris } from "../../db/queries/post.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";

const FRESH_MS = 60_000;
const cache = new Map<string, { uris: string[]; at: number }>();

export async function homeMemberUris(ctx: ServiceContext, group: ActorRow): Promise<string[] | null> {
  if (group.is_local || !group.followers_url || !ctx.remote?.fetchCollectionIds) return null;
  const cached = cache.get(group.followers_url);
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.uris;
  try {
    const uris = await ctx.remote.fetchCollectionIds(group.followers_url);
    cache.set(group.followers_url, { uris, at: Date.now() });
    if (cache.size > 1000) cache.delete(cache.keys().next().value!);
    return uris;
  } catch (error) {
    ctx.logger.info({ group: group.uri, reason: (error as Error).message }, "the group's home did not serve its member list");
    return cached?.uris ?? null;
  }
}

/**
 * The home's moderators collection, as the group's own document names it
 * (FEP-1b12: `attributedTo`), when it is on the group's own server; null when
 * the document names none (Lemmy names one too; a home that does not, none).
 */
export function moderatorsCollectionOf(group: ActorRow): string | null {
  const json = group.raw && typeof group.raw === "object" ? (group.raw as Record<string, unknown>) : {};
  const value = json.attributedTo ?? json["https://www.w3.org/ns/activitystreams#attributedTo"];
  const first = (Array.isArray(value) ? value[0] : value) as unknown;
  const named = first && typeof first === "object" ? ((first as { id?: unknown })["id"] ?? (first as { "@id"?: unknown })["@id"]) : first;
  if (typeof named !== "string") return null;
  try {
    // Who moderates a group is the group's home to say, no other server's.
    return new URL(named).origin === new URL(group.uri).origin ? named : null;
  } catch {
    return null;
  }
}

const moderatorsCache = new Map<string, { uris: Set<string>; at: number }>();

/**
 * Who moderates a group elsewhere (its owners and moderators: the home's
 * collection does not tell them apart), read from the collection its
 * document names and kept a minute; null when it names none or cannot be read.
 */
export async function homeModeratorUris(ctx: ServiceContext, group: ActorRow): Promise<Set<string> | null> {
  const url = group.is_local ? null : moderatorsCollectionOf(group);
  if (!url || !ctx.remote?.fetchCollectionIds) return null;
  const cached = moderatorsCache.get(url);
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.uris;
  try {
    const uris = new Set(await ctx.remote.fetchCollectionIds(url));
    moderatorsCache.set(url, { uris, at: Date.now() });
    if (moderatorsCache.size > 1000) moderatorsCache.delete(moderatorsCache.keys().next().value!);
    return uris;
  } catch (error) {
    ctx.logger.info({ group: group.uri, reason: (error as Error).message }, "the group's home did not serve its moderators");
    return cached?.uris ?? null;
  }
}

/** Forget what we read of a group's members (after we join or leave it). */
export function forgetHomeMembers(group: ActorRow): void {
  if (group.followers_url) cache.delete(group.followers_url);
}

/** Actors not cached yet are fetched, a few at a time, up to this many per call. */
const MAX_FETCHES = 100;

/** The home's members as actors: cached copies, and the others fetched and cached. */
export async function homeMembers(ctx: ServiceContext, group: ActorRow): Promise<ActorRow[] | null> {
  const uris = await homeMemberUris(ctx, group);
  return uris ? actorsOf(ctx, uris) : null;
}

/**
 * One page of the home's member list, as the home pages it (ADR 0116): the
 * first page, or the one `cursor` names (a cursor we handed out: the page's
 * address on the home, without its origin, so it can only lead back there).
 * Null when the home cannot be asked.
 */
export async function homeMembersPage(
  ctx: ServiceContext,
  group: ActorRow,
  cursor: string | undefined,
): Promise<{ actors: ActorRow[]; next: string | null; total: number | null } | null> {
  if (group.is_local || !group.followers_url || !ctx.remote?.fetchCollectionPage) return null;
  const home = new URL(group.followers_url);
  const page = cursor === undefined ? null : pageAddress(home, cursor);
  try {
    const read = await ctx.remote.fetchCollectionPage(group.followers_url, page);
    return { actors: await actorsOf(ctx, read.ids), next: read.next ? pageCursor(read.next) : null, total: read.total };
  } catch (error) {
    ctx.logger.info({ group: group.uri, reason: (error as Error).message }, "the group's home did not serve a page of its member list");
    return null;
  }
}

/** Our cursor for a page on the home: its path and query, base64url (no origin: it can only lead back to the home). */
function pageCursor(pageUrl: string): string {
  const url = new URL(pageUrl);
  return Buffer.from(`${url.pathname}${url.search}`).toString("base64url");
}

/** The home's page a cursor names, or null (the first page) when it names none. */
function pageAddress(home: URL, cursor: string): string | null {
  const path = Buffer.from(cursor, "base64url").toString("utf8");
  return path.startsWith("/") && !path.startsWith("//") ? new URL(path, home.origin).href : null;
}

async function actorsOf(ctx: ServiceContext, uris: string[]): Promise<ActorRow[]> {
  const cached = new Map((await actorsByUris(ctx.db, uris)).map((a) => [a.uri, a]));
  const missing = uris.filter((u) => !cached.has(u)).slice(0, MAX_FETCHES);
  for (let i = 0; i < missing.length; i += 8) {
    await Promise.all(
      missing.slice(i, i + 8).map(async (uri) => {
        const actor = await ctx.remote!.resolveActor(uri).catch(() => null);
        if (actor) cached.set(uri, actor);
      }),
    );
  }
  return uris.map((u) => cached.get(u)).filter((a): a is ActorRow => a !== undefined);
}
