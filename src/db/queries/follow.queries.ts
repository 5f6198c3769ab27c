// Reads of follow relationships: collection pages and counts. Pages are keyed
// by the follow's id (time-ordered), newest first.
import type { Kysely } from "kysely";
import type { ActorRow, Database } from "../schema.ts";

export interface FollowEntry {
  followId: string;
  state: "pending" | "accepted";
  createdAt: Date;
  actor: ActorRow;
}

export interface FollowPage {
  items: FollowEntry[];
  nextCursor: string | null;
}

type Direction = "followers" | "following";

export async function listFollows(
  db: Kysely<Database>,
  actorId: string,
  direction: Direction,
  options: { state?: "pending" | "accepted"; cursor?: string | null; limit: number },
): Promise<FollowPage> {
  const [ownColumn, otherColumn] = direction === "followers" ? (["followee_id", "follower_id"] as const) : (["follower_id", "followee_id"] as const);
  let query = db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", `follows.${otherColumn}`)
    .selectAll("actors")
    .select(["follows.id as follow_id", "follows.state as follow_state", "follows.created_at as follow_created_at"])
    .where(`follows.${ownColumn}`, "=", actorId)
    .where("follows.state", "=", options.state ?? "accepted")
    .orderBy("follows.id", "desc")
    .limit(options.limit + 1);
  if (options.cursor) query = query.where("follows.id", "<", options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(({ follow_id, follow_state, follow_created_at, ...actor }) => ({
      followId: follow_id,
      state: follow_state,
      createdAt: follow_created_at,
      actor: actor as ActorRow,
    })),
    nextCursor: rows.length > options.limit ? (page.at(-1)?.follow_id ?? null) : null,
  };
}

export async function countFollows(db: Kysely<Database>, actorId: string, direction: Direction): Promise<number> {
  const column = direction === "followers" ? "followee_id" : "follower_id";
  const row = await db
    .selectFrom("follows")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(column, "=", actorId)
    .where("state", "=", "accepted")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many of our own actors follow `actorId` (accepted). */
export async function countFollowsFromHere(db: Kysely<Database>, actorId: string): Promise<number> {
  const row = await db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("follows.followee_id", "=", actorId)
    .where("follows.state", "=", "accepted")
    .where("actors.is_local", "=", true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Where a follower is delivered to: the few columns a relay needs. */
export type FollowerInbox = Pick<ActorRow, "id" | "uri" | "domain" | "inbox_url" | "shared_inbox_url">;

/**
 * Every accepted follower on another server that is not gone, for delivery:
 * five narrow columns, not whole actor rows (a relay to 10,000 members read
 * each member's row with its stored document, about half of a post's relay
 * time on PGlite).
 */
export async function remoteFollowerInboxes(db: Kysely<Database>, actorId: string): Promise<FollowerInbox[]> {
  return db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select(["actors.id", "actors.uri", "actors.domain", "actors.inbox_url", "actors.shared_inbox_url"])
    .where("follows.followee_id", "=", actorId)
    .where("follows.state", "=", "accepted")
    .where("actors.is_local", "=", false)
    .where("actors.gone_at", "is", null)
    .orderBy("follows.id", "desc")
    .execute();
}
