// Per-account numbers Mastodon clients show (followers, following, posts,
// last post), for many accounts in three queries.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";
import { followeeListedToAnyone, postSeenByAnyone } from "./visibility.queries.ts";

export interface AccountStats {
  followers: number;
  following: number;
  statuses: number;
  lastStatusAt: Date | null;
}

export async function accountStats(db: Kysely<Database>, actorIds: string[]): Promise<Map<string, AccountStats>> {
  const stats = new Map<string, AccountStats>(actorIds.map((id) => [id, { followers: 0, following: 0, statuses: 0, lastStatusAt: null }]));
  if (actorIds.length === 0) return stats;
  // One statement for the page's accounts: each figure a sub-select on its index.
  // Following, posts and the last post count what the lists show to anyone
  // (the one rule for an anonymous viewer): no hidden membership, no DM, no
  // followers-only or secret-group post. The posts and the last post come from
  // one pass over the author's posts (a lateral aggregate): two sub-selects
  // read the same rows, and looked each post's group up, twice.
  const rows = await db
    .selectFrom("actors")
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom("posts as p")
          .select([sql<number>`count(*)::int`.as("statuses"), sql<Date | null>`max(p.published_at)`.as("last")])
          .whereRef("p.author_id", "=", "actors.id")
          .where(postSeenByAnyone("p"))
          .as("authored"),
      (join) => join.onTrue(),
    )
    .where("actors.id", "in", actorIds)
    .select([
      "actors.id",
      sql<number>`(select count(*)::int from follows f where f.followee_id = actors.id and f.state = 'accepted')`.as("followers"),
      sql<number>`(select count(*)::int from follows f where f.follower_id = actors.id and f.state = 'accepted' and ${followeeListedToAnyone("f")})`.as(
        "following",
      ),
      "authored.statuses",
      "authored.last",
    ])
    .execute();
  for (const r of rows) {
    const s = stats.get(r.id)!;
    s.followers = Number(r.followers);
    s.following = Number(r.following);
    s.statuses = Number(r.statuses);
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
