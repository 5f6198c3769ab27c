// Writes of the reputation levels a group's home states (migration 0087).
import type { Kysely, Transaction } from "kysely";
import type { StatedLevel } from "../../domain/group-levels.rules.ts";
import type { Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** Replaces a group's statement with this one, and notes when it was made. */
export async function replaceGroupLevels(db: Db, groupId: string, levels: readonly StatedLevel[], at: Date): Promise<void> {
  await db.deleteFrom("group_levels").where("group_id", "=", groupId).execute();
  for (let i = 0; i < levels.length; i += 200) {
    await db
      .insertInto("group_levels")
      .values(levels.slice(i, i + 200).map((l) => ({ group_id: groupId, member_uri: l.memberUri, level: l.level })))
      .execute();
  }
  await db
    .insertInto("group_level_marks")
    .values({ group_id: groupId, checked_at: at, stated_at: at })
    .onConflict((oc) => oc.column("group_id").doUpdateSet({ checked_at: at, stated_at: at }))
    .execute();
}

/** The group's levels were computed and had not changed. */
export async function markLevelsChecked(db: Db, groupId: string, at: Date): Promise<void> {
  await db
    .insertInto("group_level_marks")
    .values({ group_id: groupId, checked_at: at, stated_at: null })
    .onConflict((oc) => oc.column("group_id").doUpdateSet({ checked_at: at }))
    .execute();
}
