// Issue 14: files other than images (PDF, text, office documents) attached to
// posts. The name the person gave the file is kept apart from the stored
// name (which is a capability: id + 128 random bits), so a download is
// offered as "budget-2027.xlsx" and never under a name that leaks the link.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("media_attachments").addColumn("original_name", "text").execute();
}
