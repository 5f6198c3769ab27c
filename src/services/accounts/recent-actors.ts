// Remote actors' rows read in the last few seconds, kept in this process so
// that a peer sending many activities costs one `select actors` per window,
// not one per activity (issue 18: it was a quarter of the inbox's
// statements). ADR 0108.
//
// Only remote rows that are not gone are kept; this process's own writes
// (rememberRemoteActor, forgetGoneActor: the only writers of remote rows)
// replace or drop the entry at once. Another process's write is seen at most
// RECENT_MS late, as its newer public key is (ADR 0101's 15 s).
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";

export const RECENT_MS = 10_000;
const MAX_ENTRIES = 5_000;

// Per database: tests run several instances in one process, each with its own rows.
const byDatabase = new WeakMap<object, Map<string, { row: ActorRow; until: number }>>();
// Bumped by every forget: a row read while an entry was being forgotten (a
// 410 marking the actor gone, a refreshed document) may predate that write,
// so it is not kept (the next activity reads the row again).
const forgets = new WeakMap<object, number>();

function entries(ctx: ServiceContext): Map<string, { row: ActorRow; until: number }> {
  let map = byDatabase.get(ctx.database);
  if (!map) byDatabase.set(ctx.database, (map = new Map()));
  return map;
}

/** Taken before reading a row that may be remembered: see rememberRecentActor. */
export function recentActorsEpoch(ctx: ServiceContext): number {
  return forgets.get(ctx.database) ?? 0;
}

export function recentActor(ctx: ServiceContext, uri: string): ActorRow | null {
  const map = entries(ctx);
  const hit = map.get(uri);
  if (!hit) return null;
  if (hit.until > Date.now()) return hit.row;
  map.delete(uri);
  return null;
}

/** Keeps a row read since `epoch` (recentActorsEpoch), unless something was forgotten meanwhile. */
export function rememberRecentActor(ctx: ServiceContext, row: ActorRow, epoch: number): void {
  const map = entries(ctx);
  map.delete(row.uri);
  if (row.is_local || row.gone_at || epoch !== recentActorsEpoch(ctx)) return;
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(row.uri, { row, until: Date.now() + RECENT_MS });
}

export function forgetRecentActor(ctx: ServiceContext, uri: string): void {
  forgets.set(ctx.database, recentActorsEpoch(ctx) + 1);
  entries(ctx).delete(uri);
}
