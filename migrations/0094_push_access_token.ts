// A Mastodon push message names the access token it is for (apps fetch the
// notification with it and tell their accounts apart by it). Tokens are kept
// only as hashes, so the subscription keeps its token sealed (AES-256-GCM);
// see ADR 0092. Subscriptions made before this have none until the app
// subscribes again.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("push_subscriptions").addColumn("access_token_sealed", "text").execute();
}
