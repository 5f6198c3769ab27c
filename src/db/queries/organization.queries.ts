// Reads about organizations in groups.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Accepted members of a group counted by their instance's domain. */
export async function countMembersByDomain(db: Db, groupId: string): Promise<Array<{ domain: string; count: number }>> {
  const rows = await db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select(["actors.domain as domain"])
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("follows.followee_id", "=", groupId)
    .where("follows.state", "=", "accepted")
    .groupBy("actors.domain")
    .orderBy("actors.domain")
    .execute();
  return rows.map((r) => ({ domain: r.domain, count: Number(r.count) }));
}
