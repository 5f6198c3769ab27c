// Secrets the instance generates once and keeps (instance_settings): the
// mail-link key, the VAPID key pair. Inserted with ON CONFLICT DO NOTHING
// and read back, so two processes starting at once agree on one value.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

export async function readOrCreateSetting<T>(db: Kysely<Database>, key: string, create: () => T): Promise<T> {
  const existing = await db.selectFrom("instance_settings").select("value").where("key", "=", key).executeTakeFirst();
  if (existing) return existing.value as T;
  await db
    .insertInto("instance_settings")
    .values({ key, value: JSON.stringify(create()) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db.selectFrom("instance_settings").select("value").where("key", "=", key).executeTakeFirstOrThrow();
  return row.value as T;
}
