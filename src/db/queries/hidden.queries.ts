// Accounts a viewer does not want to see (muted, blocked, on a domain it
// blocked) or that block the viewer: as one sub-select, so timelines leave
// them out in SQL and pages stay full.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";

export function hiddenAuthorIds(db: Kysely<Database>, viewerId: string) {
  return db
    .selectFrom("account_mutes")
    .select("target_id as id")
    .where("actor_id", "=", viewerId)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
    .union(db.selectFrom("account_blocks").select("target_id as id").where("actor_id", "=", viewerId))
    .union(db.selectFrom("account_blocks").select("actor_id as id").where("target_id", "=", viewerId))
    .union(
      db
        .selectFrom("actors")
        .select("actors.id as id")
        .where("actors.domain", "in", db.selectFrom("account_domain_blocks").select("domain").where("actor_id", "=", viewerId)),
    );
}

/** Accounts whose notifications the viewer does not get: blocked, muted with notifications, blocked domains. */
export function silencedNotifierIds(db: Kysely<Database>, viewerId: string) {
  return db
    .selectFrom("account_mutes")
    .select("target_id as id")
    .where("actor_id", "=", viewerId)
    .where("hide_notifications", "=", true)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
    .union(db.selectFrom("account_blocks").select("target_id as id").where("actor_id", "=", viewerId))
    .union(
      db
        .selectFrom("actors")
        .select("actors.id as id")
        .where("actors.domain", "in", db.selectFrom("account_domain_blocks").select("domain").where("actor_id", "=", viewerId)),
    );
}
