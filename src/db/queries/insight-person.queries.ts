// One person's own figures, from insight_facts (indexed by actor and day).
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../schema.ts";
import type { Range } from "./insight.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

export async function personFigures(db: Db, actorId: string, range: Range): Promise<Array<{ metric: string; count: number }>> {
  const counts = await sql<{ metric: string; count: number }>`
    select metric, count(*)::int as count from insight_facts
    where actor_id = ${actorId} and day between ${range.from}::date and ${range.to}::date group by 1`.execute(db);
  const active = await sql<{ count: number }>`
    select count(*)::int as count from insight_active
    where group_id = '*' and actor_id = ${actorId} and day between ${range.from}::date and ${range.to}::date`.execute(db);
  return [...counts.rows, { metric: "active", count: active.rows[0]?.count ?? 0 }];
}
