// A notification can concern a group (a join request names the group the
// moderator should answer for); null for the rest.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("notifications").addColumn("group_id", "text").execute();
}
