// The peer_software cache: what each peer host runs, from its NodeInfo.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

export async function findPeerSoftware(db: Kysely<Database>, hosts: string[]) {
  if (hosts.length === 0) return [];
  return db.selectFrom("peer_software").selectAll().where("host", "in", hosts).execute();
}

export async function savePeerSoftware(db: Kysely<Database>, host: string, software: string | null, version: string | null) {
  const checked_at = new Date();
  await db
    .insertInto("peer_software")
    .values({ host, software, version, checked_at })
    .onConflict((oc) => oc.column("host").doUpdateSet({ software, version, checked_at }))
    .execute();
}
