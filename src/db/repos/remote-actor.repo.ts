// Cached copies of remote actors. A remote actor is fetched once, refreshed by
// its Update, and shares the actors table with local ones.
import { sql, type Kysely, type Transaction } from "kysely";
import { newId } from "../../domain/ids.ts";
import type { ActorRow, Database } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface RemoteActorData {
  uri: string;
  type: string;
  username: string;
  domain: string;
  name: string | null;
  summary: string | null;
  url: string | null;
  iconUrl: string | null;
  headerUrl?: string | null;
  fields?: Array<{ name: string; value: string }>;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
  outboxUrl: string | null;
  followersUrl: string | null;
  followingUrl: string | null;
  locked: boolean;
  raw: unknown;
}

export async function upsertRemoteActor(db: Db, data: RemoteActorData): Promise<ActorRow> {
  const values = {
    type: data.type,
    username: data.username,
    domain: data.domain,
    name: data.name,
    summary: data.summary,
    url: data.url,
    icon_url: data.iconUrl,
    header_url: data.headerUrl ?? null,
    fields: JSON.stringify(data.fields ?? []),
    inbox_url: data.inboxUrl,
    shared_inbox_url: data.sharedInboxUrl,
    outbox_url: data.outboxUrl,
    followers_url: data.followersUrl,
    following_url: data.followingUrl,
    locked: data.locked,
    raw: JSON.stringify(data.raw ?? null),
    fetched_at: new Date(),
    updated_at: new Date(),
  };
  return (
    db
      .insertInto("actors")
      .values({ id: newId(), uri: data.uri, is_local: false, ...values })
      // Never let a remote document overwrite one of our own actors.
      .onConflict((oc) => oc.column("uri").doUpdateSet(values).where("actors.is_local", "=", false))
      .returningAll()
      .executeTakeFirstOrThrow()
  );
}

export async function findActorByUri(db: Db, uri: string): Promise<ActorRow | undefined> {
  return db.selectFrom("actors").selectAll().where("uri", "=", uri).executeTakeFirst();
}

export async function findActorById(db: Db, id: string): Promise<ActorRow | undefined> {
  return db.selectFrom("actors").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findActorByHandle(db: Db, username: string, domain: string): Promise<ActorRow | undefined> {
  return db
    .selectFrom("actors")
    .selectAll()
    .where(sql`lower(username)`, "=", username.toLowerCase())
    .where(sql`lower(domain)`, "=", domain.toLowerCase())
    .orderBy("is_local", "desc")
    .executeTakeFirst();
}

export async function markActorGone(db: Db, uri: string): Promise<void> {
  await db.updateTable("actors").set({ gone_at: new Date() }).where("uri", "=", uri).where("is_local", "=", false).execute();
}
