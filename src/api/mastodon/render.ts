// Turning service results into Mastodon entities, with the batch lookups
// they need done once per response.
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getAccountStats, statusExtras, type PostEntry } from "../../services/timeline.service.ts";
import { toMastodonAccount, type MastodonAccount } from "./account.serializer.ts";
import { toMastodonStatus, type MastodonStatus } from "./status.serializer.ts";

export async function renderStatuses(ctx: ServiceContext, entries: PostEntry[]): Promise<MastodonStatus[]> {
  const extras = await statusExtras(ctx, entries);
  return entries.map((entry) => toMastodonStatus(entry, { origin: ctx.origin, ...extras }));
}

export async function renderAccounts(ctx: ServiceContext, actors: ActorRow[]): Promise<MastodonAccount[]> {
  const stats = await getAccountStats(ctx, actors.map((a) => a.id));
  return actors.map((a) => toMastodonAccount(a, stats.get(a.id), ctx.origin));
}

export async function renderAccount(ctx: ServiceContext, actor: ActorRow): Promise<MastodonAccount> {
  return (await renderAccounts(ctx, [actor]))[0]!;
}
