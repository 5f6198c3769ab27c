// Reads of the collaboration rollups (migration 0084): organization ×
// organization contacts from insight_pairs_daily, and the people who bridge
// companies or groups from insight_pair_facts, bounded by a group (or the
// instance) and a day range.
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";
import type { InsightScope, Range } from "./insight.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface PairRow {
  organization: string;
  other_organization: string;
  kind: "replies" | "mentions" | "works";
  count: number;
}

/** Contacts per (organization → other organization, kind) in the range. */
export async function collaborationPairs(db: Db, scope: InsightScope, range: Range): Promise<PairRow[]> {
  const r = await sql<PairRow>`
    select organization, other_organization, kind, sum(count)::int as count from insight_pairs_daily
    where group_id = ${scope ?? "*"} and day between ${range.from}::date and ${range.to}::date
    group by 1, 2, 3 having sum(count) > 0 order by 1, 2, 3`.execute(db);
  return r.rows;
}

export interface BridgeRow {
  actor_id: string;
  organization: string;
  organizations: string[];
  groups: string[];
  contacts: number;
}

/**
 * People by the other organizations they were in contact with (either side of
 * a reply, mention or shared task) and the groups where that happened.
 */
export async function bridgingPeople(db: Db, scope: InsightScope, range: Range, limit: number): Promise<BridgeRow[]> {
  const where = scope === null ? sql`true` : sql`group_id = ${scope}`;
  const r = await sql<BridgeRow>`
    with facts as (
      select actor_id as person, organization as own, other_organization as other, group_id from insight_pair_facts
      where ${where} and day between ${range.from}::date and ${range.to}::date
      union all
      select other_actor_id, other_organization, organization, group_id from insight_pair_facts
      where ${where} and day between ${range.from}::date and ${range.to}::date
    )
    select person as actor_id, own as organization, array_agg(distinct other order by other) as organizations,
      array_remove(array_agg(distinct group_id order by group_id), '') as groups, count(*)::int as contacts
    from facts group by person, own
    order by count(distinct other) desc, count(distinct group_id) desc, count(*) desc, person
    limit ${limit}`.execute(db);
  return r.rows;
}
