// Per-account numbers Mastodon clients show (followers, following, posts,
// last post), for many accounts in three queries.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";

export interface AccountStats {
  followers: number;
  following: number;
  statuses: number;
  lastStatusAt: Date | null;
}

export async function accountStats(db: Kysely<Database>, actorIds: string[]): Promise<Map<string, AccountStats>> {
  const stats = new Map<string, AccountStats>(actorIds.map((id) => [id, { followers: 0, following: 0, statuses: 0, lastStatusAt: null }]));
  if (actorIds.length === 0) return stats;
  const [followers, following, posts] = await Promise.all([
    db
      .selectFrom("follows")
      .select(["followee_id as id", sql<number>`count(*)::int`.as("n")])
      .where("followee_id", "in", actorIds)
      .where("state", "=", "accepted")
      .groupBy("followee_id")
      .execute(),
    db
      .selectFrom("follows")
      .select(["follower_id as id", sql<number>`count(*)::int`.as("n")])
      .where("follower_id", "in", actorIds)
      .where("state", "=", "accepted")
      .groupBy("follower_id")
      .execute(),
    db
      .selectFrom("posts")
      .select(["author_id as id", sql<number>`count(*)::int`.as("n"), sql<Date>`max(published_at)`.as("last")])
      .where("author_id", "in", actorIds)
      .groupBy("author_id")
      .execute(),
  ]);
  for (const r of followers) stats.get(r.id)!.followers = Number(r.n);
  for (const r of following) stats.get(r.id)!.following = Number(r.n);
  for (const r of posts) {
    const s = stats.get(r.id)!;
    s.statuses = Number(r.n);
    s.lastStatusAt = r.last ? new Date(r.last) : null;
  }
  return stats;
}

export interface Relationship {
  following: boolean;
  requested: boolean;
  followedBy: boolean;
}

export async function relationships(db: Kysely<Database>, viewerId: string, targetIds: string[]): Promise<Map<string, Relationship>> {
  const result = new Map<string, Relationship>(targetIds.map((id) => [id, { following: false, requested: false, followedBy: false }]));
  if (targetIds.length === 0) return result;
  const [out, inbound] = await Promise.all([
    db.selectFrom("follows").select(["followee_id", "state"]).where("follower_id", "=", viewerId).where("followee_id", "in", targetIds).execute(),
    db
      .selectFrom("follows")
      .select(["follower_id"])
      .where("followee_id", "=", viewerId)
      .where("follower_id", "in", targetIds)
      .where("state", "=", "accepted")
      .execute(),
  ]);
  for (const r of out) {
    const rel = result.get(r.followee_id)!;
    if (r.state === "accepted") rel.following = true;
    else rel.requested = true;
  }
  for (const r of inbound) result.get(r.follower_id)!.followedBy = true;
  return result;
}
