// Issue 16: questions (Q&A) only in groups whose moderators have them on.
// Every group, existing and new, starts with them on: groups already held
// questions before the setting existed, and a question is an ordinary post
// to every other server (docs/support.md says why this default).
// For a group elsewhere the column mirrors what its home's actor document
// states (`ecotone:questions`); a home that says nothing leaves it on.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("groups")
    .addColumn("questions_enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .execute();
}
