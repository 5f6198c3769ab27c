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

/** Local people (not groups, not the instance actor): whose profiles name our organization. */
export async function localPersonIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom("users").select("actor_id").execute();
  return rows.map((r) => r.actor_id);
}

/**
 * One inbox per remote instance we know (its shared inbox where it has one),
 * so a change of our organization reaches every peer once.
 */
export async function peerInboxes(db: Db): Promise<Array<{ uri: string; inbox_url: string | null; shared_inbox_url: string | null }>> {
  const rows = await db
    .selectFrom("actors")
    .select(["domain", "uri", "inbox_url", "shared_inbox_url"])
    .where("is_local", "=", false)
    .where("inbox_url", "is not", null)
    .where("gone_at", "is", null)
    .orderBy("domain")
    .orderBy("shared_inbox_url")
    .execute();
  const byDomain = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!byDomain.has(row.domain) || (!byDomain.get(row.domain)!.shared_inbox_url && row.shared_inbox_url)) byDomain.set(row.domain, row);
  return [...byDomain.values()].map(({ uri, inbox_url, shared_inbox_url }) => ({ uri, inbox_url, shared_inbox_url }));
}

/**
 * The domains an admin's Partners page lists (every organization this
 * instance knows, labels or has a federation rule for) in name order after
 * `after`, at most `limit`: a page and one more (ADR 0056).
 */
export async function listPartnerDomainsAfter(db: Db, own: string, after: string | undefined, limit: number): Promise<string[]> {
  let query = db
    .selectFrom((eb) =>
      eb
        .selectFrom("organizations")
        .select("domain")
        .union(eb.selectFrom("partners").select("domain"))
        .union(eb.selectFrom("instance_policies").select("host as domain"))
        .as("known"),
    )
    .select("known.domain")
    .where("known.domain", "<>", own)
    .orderBy("known.domain")
    .limit(limit);
  if (after !== undefined) query = query.where("known.domain", ">", after);
  return (await query.execute()).map((r) => r.domain);
}
