// Queue heads: a message with an ordering key is "blocked" while an earlier
// message with the same key is queued, so a lease reads only runnable rows
// (an index scan that does not grow with the backlog behind one key) instead
// of testing every candidate against its predecessors (ADR 0101).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("fedify_queue")
    .addColumn("blocked", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update fedify_queue q set blocked = true
    where q.ordering_key is not null
      and exists (select 1 from fedify_queue e where e.ordering_key = q.ordering_key and e.id < q.id)`.execute(db);
  await sql`create index fedify_queue_runnable_idx on fedify_queue (queue, available_at, id) where not blocked`.execute(db);
}
