// Writes and reads of local accounts: the actor row, the users row and the
// actor's key pairs.
import { sql, type Kysely, type Transaction } from "kysely";
import type { ActorRow, Database, NewActorRow, UserRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface UserWithActor extends UserRow {
  actor: ActorRow;
}

export async function insertLocalActor(db: Db, actor: NewActorRow): Promise<ActorRow | undefined> {
  return db
    .insertInto("actors")
    .values(actor)
    .onConflict((oc) => oc.column("uri").doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function insertUser(
  db: Db,
  user: Omit<UserRow, "created_at" | "updated_at" | "suspended_at" | "email_verified_at" | "email_bounced_at">,
): Promise<UserRow | undefined> {
  return db
    .insertInto("users")
    .values(user)
    .onConflict((oc) => oc.column("username").doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function insertActorKeys(
  db: Db,
  actorId: string,
  keys: Array<{ algorithm: "rsa" | "ed25519"; publicJwk: JsonWebKey; privateJwk: JsonWebKey }>,
): Promise<void> {
  await db
    .insertInto("actor_keys")
    .values(
      keys.map((k) => ({
        actor_id: actorId,
        algorithm: k.algorithm,
        public_jwk: JSON.stringify(k.publicJwk),
        private_jwk: JSON.stringify(k.privateJwk),
      })),
    )
    .onConflict((oc) => oc.columns(["actor_id", "algorithm"]).doNothing())
    .execute();
}

export async function findActorKeys(db: Db, actorId: string) {
  const rows = await db.selectFrom("actor_keys").selectAll().where("actor_id", "=", actorId).execute();
  return rows.map((r) => ({
    algorithm: r.algorithm,
    publicJwk: r.public_jwk as JsonWebKey,
    privateJwk: r.private_jwk as JsonWebKey,
  }));
}

function withActor(db: Db) {
  return db
    .selectFrom("users")
    .innerJoin("actors", "actors.id", "users.actor_id")
    .selectAll("users")
    .select(() => sql<ActorRow>`to_jsonb(actors.*)`.as("actor_json"));
}

/** A users row with its actor read as `to_jsonb(actors.*) as actor_json` (also by the token lookup). */
export function hydrate(row: UserRow & { actor_json: unknown }): UserWithActor {
  const { actor_json, ...user } = row;
  const actor = actor_json as Record<string, unknown>;
  // to_jsonb turns timestamps into strings.
  for (const key of ["created_at", "updated_at", "fetched_at", "gone_at"]) {
    if (typeof actor[key] === "string") actor[key] = new Date(actor[key] as string);
  }
  return { ...user, actor: actor as unknown as ActorRow };
}

export async function findUserByUsername(db: Db, username: string): Promise<UserWithActor | undefined> {
  const row = await withActor(db).where("users.username", "=", username.toLowerCase()).executeTakeFirst();
  return row ? hydrate(row) : undefined;
}

export async function findUserById(db: Db, id: string): Promise<UserWithActor | undefined> {
  const row = await withActor(db).where("users.id", "=", id).executeTakeFirst();
  return row ? hydrate(row) : undefined;
}

export async function listUsers(db: Db): Promise<UserWithActor[]> {
  const rows = await withActor(db).orderBy("users.username").execute();
  return rows.map(hydrate);
}

/** Local users in username order after `after`, at most `limit` (the caller asks one more than a page). */
export async function listUsersAfter(db: Db, after: string | undefined, limit: number): Promise<UserWithActor[]> {
  let query = withActor(db).orderBy("users.username").limit(limit);
  if (after !== undefined) query = query.where("users.username", ">", after);
  return (await query.execute()).map(hydrate);
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<Pick<UserRow, "role" | "audience" | "password_hash" | "email">> & { suspended_at?: Date | null },
): Promise<void> {
  await db
    .updateTable("users")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function updateLocalActorProfile(
  db: Db,
  actorId: string,
  changes: { name?: string | null; summary?: string | null; locked?: boolean },
): Promise<void> {
  await db
    .updateTable("actors")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", actorId)
    .execute();
}

/** Profile images and fields of a local actor; only the parts given change. */
export async function updateLocalActorExtras(
  db: Db,
  actorId: string,
  changes: { iconUrl?: string | null; headerUrl?: string | null; fields?: Array<{ name: string; value: string }> },
): Promise<void> {
  await db
    .updateTable("actors")
    .set({
      ...(changes.iconUrl !== undefined ? { icon_url: changes.iconUrl } : {}),
      ...(changes.headerUrl !== undefined ? { header_url: changes.headerUrl } : {}),
      ...(changes.fields !== undefined ? { fields: JSON.stringify(changes.fields) } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", actorId)
    .execute();
}
