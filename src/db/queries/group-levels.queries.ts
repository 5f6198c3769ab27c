// Reads of the reputation levels a group's home states (migration 0087): what
// we published for our groups, what homes elsewhere stated for theirs, and
// which of our groups are due for a new statement.
import type { Kysely, Transaction } from "kysely";
import type { StatedLevel } from "../../domain/group-levels.rules.ts";
import type { ReputationLevel } from "../../domain/reputation.rules.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface StatedLevels {
  /** When the home last stated levels; null: it never did (this instance computes them itself). */
  statedAt: Date | null;
  levels: StatedLevel[];
}

export async function statedLevelsOf(db: Db, groupId: string): Promise<StatedLevels> {
  const [mark, rows] = await Promise.all([
    db.selectFrom("group_level_marks").select("stated_at").where("group_id", "=", groupId).executeTakeFirst(),
    db.selectFrom("group_levels").select(["member_uri", "level"]).where("group_id", "=", groupId).execute(),
  ]);
  return {
    statedAt: mark?.stated_at ? new Date(mark.stated_at) : null,
    levels: rows.map((r) => ({ memberUri: r.member_uri, level: r.level as ReputationLevel })),
  };
}

/** The stated levels of these people (by actor URI) in one group. */
export async function statedLevelsFor(db: Db, groupId: string, uris: string[]): Promise<Map<string, ReputationLevel>> {
  if (uris.length === 0) return new Map();
  const rows = await db.selectFrom("group_levels").select(["member_uri", "level"]).where("group_id", "=", groupId).where("member_uri", "in", uris).execute();
  return new Map(rows.map((r) => [r.member_uri, r.level as ReputationLevel]));
}

/**
 * Our groups whose levels were not computed since `before`, oldest first: only
 * groups with a member on another instance, since a statement is for them.
 */
export async function groupsDueForLevels(db: Db, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("actors as g")
    .leftJoin("group_level_marks as m", "m.group_id", "g.id")
    .select("g.id")
    .where("g.is_local", "=", true)
    .where("g.type", "=", "Group")
    .where((eb) => eb.or([eb("m.checked_at", "is", null), eb("m.checked_at", "<", before)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("follows as f")
          .innerJoin("actors as member", "member.id", "f.follower_id")
          .select("f.id")
          .whereRef("f.followee_id", "=", "g.id")
          .where("f.state", "=", "accepted")
          .where("member.is_local", "=", false),
      ),
    )
    .orderBy("m.checked_at", (o) => o.asc().nullsFirst())
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The group's accepted members: actor id → URI. */
export async function memberUrisById(db: Db, groupId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select(["actors.id", "actors.uri"])
    .where("follows.followee_id", "=", groupId)
    .where("follows.state", "=", "accepted")
    .execute();
  return new Map(rows.map((r) => [r.id, r.uri]));
}
