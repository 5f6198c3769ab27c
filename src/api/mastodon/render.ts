// Turning service results into Mastodon entities, with the batch lookups
// they need done once per response.
import type { ActorCard } from "../../db/schema.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getAccountStats, statusExtras, type HomeItem, type PostEntry } from "../../services/posts/timeline.service.ts";
import { toMastodonAccount, type MastodonAccount } from "./account.serializer.ts";
import { toMastodonBoost, toMastodonStatus, type MastodonStatus } from "./status.serializer.ts";

export async function renderStatuses(ctx: ServiceContext, entries: PostEntry[]): Promise<MastodonStatus[]> {
  const extras = await statusExtras(ctx, entries);
  return entries.map((entry) => toMastodonStatus(entry, { origin: ctx.origin, ...extras }));
}

/** Statuses and boosts; the boosters' counts are read with the authors'. */
export async function renderHomeItems(ctx: ServiceContext, items: HomeItem[]): Promise<MastodonStatus[]> {
  const entries = items.map((i) => i.entry);
  const boosters = items.flatMap((i) => (i.kind === "boost" ? [i.by] : []));
  const extras = await statusExtras(
    ctx,
    entries,
    boosters.map((b) => b.id),
  );
  return items.map((item) => {
    const status = toMastodonStatus(item.entry, { origin: ctx.origin, ...extras });
    if (item.kind === "post") return status;
    return toMastodonBoost({ id: item.id, createdAt: item.createdAt, by: toMastodonAccount(item.by, extras.stats.get(item.by.id), ctx.origin) }, status);
  });
}

export async function renderAccounts(ctx: ServiceContext, actors: ActorCard[]): Promise<MastodonAccount[]> {
  const stats = await getAccountStats(
    ctx,
    actors.map((a) => a.id),
  );
  return actors.map((a) => toMastodonAccount(a, stats.get(a.id), ctx.origin));
}

export async function renderAccount(ctx: ServiceContext, actor: ActorCard): Promise<MastodonAccount> {
  return (await renderAccounts(ctx, [actor]))[0]!;
}
