// Issue 15: a group's insights are for its moderators unless they let the
// members see them too (docs/adr/0083-members-see-insights.md). Off for every
// group, new and existing: figures about who answers whom are the moderators'
// to share, not a side effect of a group being public.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("groups")
    .addColumn("members_see_insights", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}
