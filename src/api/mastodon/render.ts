// Turning service results into Mastodon entities, with the batch lookups
// they need done once per response.
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getAccountStats, statusExtras, type HomeItem, type PostEntry } from "../../services/posts/timeline.service.ts";
import { toMastodonAccount, type MastodonAccount } from "./account.serializer.ts";
import { toMastodonBoost, toMastodonStatus, type MastodonStatus } from "./status.serializer.ts";

export async function renderStatuses(ctx: ServiceContext, entries: PostEntry[]): Promise<MastodonStatus[]> {
  const extras = await statusExtras(ctx, entries);
  return entries.map((entry) => toMastodonStatus(entry, { origin: ctx.origin, ...extras }));
}

export async function renderHomeItems(ctx: ServiceContext, items: HomeItem[]): Promise<MastodonStatus[]> {
  const statuses = await renderStatuses(
    ctx,
    items.map((i) => i.entry),
  );
  const boosters = new Map(
    (
      await renderAccounts(
        ctx,
        items.flatMap((i) => (i.kind === "boost" ? [i.by] : [])),
      )
    ).map((a) => [a.id, a]),
  );
  return items.map((item, index) =>
    item.kind === "post" ? statuses[index]! : toMastodonBoost({ id: item.id, createdAt: item.createdAt, by: boosters.get(item.by.id)! }, statuses[index]!),
  );
}

export async function renderAccounts(ctx: ServiceContext, actors: ActorRow[]): Promise<MastodonAccount[]> {
  const stats = await getAccountStats(
    ctx,
    actors.map((a) => a.id),
  );
  return actors.map((a) => toMastodonAccount(a, stats.get(a.id), ctx.origin));
}

export async function renderAccount(ctx: ServiceContext, actor: ActorRow): Promise<MastodonAccount> {
  return (await renderAccounts(ctx, [actor]))[0]!;
}
