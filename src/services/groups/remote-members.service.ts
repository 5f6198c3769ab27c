// The member list of a group hosted elsewhere, as its home serves it (the
// followers collection, to our instance actor's signed fetch). Kept for a
// minute so a page and its API calls do not refetch it each time; null when
// the home cannot be asked (offline CLI, home unreachable).
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

/** Forget what we read of a group's members (after we join or leave it). */
export function forgetHomeMembers(group: ActorRow): void {
  if (group.followers_url) cache.delete(group.followers_url);
}

/** Actors not cached yet are fetched, a few at a time, up to this many per call. */
const MAX_FETCHES = 100;

/** The home's members as actors: cached copies, and the others fetched and cached. */
export async function homeMembers(ctx: ServiceContext, group: ActorRow): Promise<ActorRow[] | null> {
  const uris = await homeMemberUris(ctx, group);
  if (!uris) return null;
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
