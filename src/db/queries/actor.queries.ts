// Reads about actors: a local account's public profile, instance statistics.
import { sql, type Kysely } from "kysely";
import type { ActorRow, Database } from "../schema.ts";

export interface LocalActorProfile extends ActorRow {
  user_id: string | null;
  role: string | null;
  audience: string | null;
  suspended_at: Date | null;
}

/** A local actor (user or instance actor) by its URI identifier. */
export async function findLocalActorByUsername(db: Kysely<Database>, username: string): Promise<LocalActorProfile | undefined> {
  return db
    .selectFrom("actors")
    .leftJoin("users", "users.actor_id", "actors.id")
    .selectAll("actors")
    .select(["users.id as user_id", "users.role", "users.audience", "users.suspended_at"])
    .where("actors.is_local", "=", true)
    .where(sql`lower(actors.username)`, "=", username.toLowerCase())
    .executeTakeFirst();
}

export interface InstanceUsage {
  totalUsers: number;
  activeMonth: number;
  activeHalfyear: number;
  localPosts: number;
}

export async function getInstanceUsage(db: Kysely<Database>): Promise<InstanceUsage> {
  const users = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("suspended_at", "is", null)
    .executeTakeFirstOrThrow();
  // "Active" = signed in or used a token recently; tokens are our only
  // activity signal until posts exist.
  const active = async (days: number) => {
    const row = await db
      .selectFrom("api_tokens")
      .select(sql<number>`count(distinct user_id)`.as("n"))
      .where("last_used_at", ">", sql<Date>`now() - ${`${days} days`}::interval`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    totalUsers: Number(users.n),
    activeMonth: await active(30),
    activeHalfyear: await active(180),
    localPosts: Number(
      (
        await db
          .selectFrom("posts")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("is_local", "=", true)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
}

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
