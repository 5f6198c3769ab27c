// App-level tokens (OAuth client_credentials) belong to an app, not a user.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("api_tokens")
    .alterColumn("user_id", (c) => c.dropNotNull())
    .execute();
}
