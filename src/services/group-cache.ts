// Remote groups we know of get a groups row so they list and resolve like
// ours. Their real policy lives on their instance; we record what their actor
// document tells (a locked group asks for approval).
import type { Kysely } from "kysely";
import { insertGroup } from "../db/repos/group.repo.ts";
import type { ActorRow, Database } from "../db/schema.ts";

export async function ensureGroupRow(db: Kysely<Database>, actor: ActorRow): Promise<void> {
  await insertGroup(db, {
    actorId: actor.id,
    visibility: "public",
    joinPolicy: actor.locked ? "approval" : "open",
    createdBy: null,
  });
}
