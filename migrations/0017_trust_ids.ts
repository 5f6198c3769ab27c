// Issue 11, class 3. The inbox log is keyed by the speaker's origin and the
// activity id, so an id another server claims can never pre-empt the real
// one; and the ids we mint for activities are random (they were the outbox
// row's sequence number, which an attacker could claim in advance). A
// deleted post keeps who could see it, so that news of its deletion reaches
// nobody else.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("inbox_activities")
    .addColumn("origin", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await sql`update inbox_activities set origin = coalesce(substring(actor_uri from '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]+'), '')`.execute(db);
  await sql`alter table inbox_activities drop constraint inbox_activities_pkey`.execute(db);
  await sql`alter table inbox_activities add primary key (origin, activity_uri)`.execute(db);
  // A deleted post's audience, so that news of its deletion (streaming) goes
  // only to those who could see it.
  await db.schema.alterTable("tombstones").addColumn("author_id", "text").addColumn("group_id", "text").addColumn("visibility", "text").execute();
  await db.schema
    .alterTable("outbox_events")
    .addColumn("activity_key", "uuid", (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .execute();
}
