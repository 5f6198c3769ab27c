// Reads about groups: the group with its actor, a viewer's membership, the
// member list, and delivery targets.
import { sql, type Kysely, type Transaction } from "kysely";
import type { ActorRow, Database, GroupRow } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface GroupWithActor {
  group: GroupRow;
  actor: ActorRow;
}

/**
 * Groups joined to their actors in one row. A group column added to the
 * schema is added here and in `toGroupWithActor`, for every list at once.
 */
function selectGroupsWithActors(db: Db) {
  return db
    .selectFrom("groups")
    .innerJoin("actors", "actors.id", "groups.actor_id")
    .selectAll("actors")
    .select([
      "groups.visibility",
      "groups.join_policy",
      "groups.created_by",
      "groups.created_at as group_created_at",
      "groups.questions_enabled",
      "groups.members_see_insights",
    ]);
}

type GroupWithActorRow = Awaited<ReturnType<ReturnType<typeof selectGroupsWithActors>["execute"]>>[number];

function toGroupWithActor({
  visibility,
  join_policy,
  created_by,
  group_created_at,
  questions_enabled,
  members_see_insights,
  ...actor
}: GroupWithActorRow): GroupWithActor {
  return {
    group: { actor_id: actor.id, visibility, join_policy, created_by, created_at: group_created_at, questions_enabled, members_see_insights },
    actor: actor as ActorRow,
  };
}

export async function findGroupByActorId(db: Db, actorId: string): Promise<GroupWithActor | undefined> {
  const group = await db.selectFrom("groups").selectAll().where("actor_id", "=", actorId).executeTakeFirst();
  if (!group) return undefined;
  const actor = await db.selectFrom("actors").selectAll().where("id", "=", actorId).executeTakeFirstOrThrow();
  return { group, actor };
}

export async function listGroups(
  db: Db,
  options: { localOnly: boolean; /** Keyset paging: after this group's actor id, in (username, id) order. */ afterId?: string; limit?: number },
): Promise<GroupWithActor[]> {
  let query = selectGroupsWithActors(db).orderBy("actors.username").orderBy("actors.id");
  if (options.localOnly) query = query.where("actors.is_local", "=", true);
  if (options.afterId !== undefined) {
    const afterId = options.afterId;
    // Two groups (here and elsewhere) may share a name: the id breaks the tie.
    // A cursor that names no actor (a group since deleted) starts over rather than showing nothing.
    query = query.where(
      sql<boolean>`(not exists (select 1 from actors c where c.id = ${afterId}) or (actors.username, actors.id) > (select c.username, c.id from actors c where c.id = ${afterId}))`,
    );
  }
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map(toGroupWithActor);
}

export interface MembershipFacts {
  followState: "pending" | "accepted" | null;
  followActivityUri: string | null;
  followId: string | null;
  role: "owner" | "moderator" | null;
  banned: boolean;
  invited: boolean;
}

export async function getMembershipFacts(db: Db, groupId: string, memberId: string): Promise<MembershipFacts> {
  const [follow, role, ban, invite] = await Promise.all([
    db.selectFrom("follows").select(["id", "state", "activity_uri"]).where("follower_id", "=", memberId).where("followee_id", "=", groupId).executeTakeFirst(),
    db.selectFrom("group_roles").select("role").where("group_id", "=", groupId).where("member_id", "=", memberId).executeTakeFirst(),
    db.selectFrom("group_bans").select("member_id").where("group_id", "=", groupId).where("member_id", "=", memberId).executeTakeFirst(),
    db.selectFrom("group_invites").select("invitee_id").where("group_id", "=", groupId).where("invitee_id", "=", memberId).executeTakeFirst(),
  ]);
  return {
    followState: follow?.state ?? null,
    followActivityUri: follow?.activity_uri ?? null,
    followId: follow?.id ?? null,
    role: role?.role ?? null,
    banned: ban !== undefined,
    invited: invite !== undefined,
  };
}

export interface MemberEntry {
  actor: ActorRow;
  state: "pending" | "accepted";
  role: "owner" | "moderator" | "member";
  followId: string;
}

export async function listMembers(
  db: Db,
  groupId: string,
  state: "pending" | "accepted",
  /** Keyset paging: after this follow (request) id, at most `limit` rows. */
  page: { afterFollowId?: string | undefined; limit?: number } = {},
): Promise<MemberEntry[]> {
  let query = db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .leftJoin("group_roles", (join) =>
      join.onRef("group_roles.group_id", "=", "follows.followee_id").onRef("group_roles.member_id", "=", "follows.follower_id"),
    )
    .selectAll("actors")
    .select(["follows.id as follow_id", "follows.state as follow_state", "group_roles.role as member_role"])
    .where("follows.followee_id", "=", groupId)
    .where("follows.state", "=", state)
    .orderBy("follows.id");
  if (page.afterFollowId !== undefined) query = query.where("follows.id", ">", page.afterFollowId);
  if (page.limit !== undefined) query = query.limit(page.limit);
  const rows = await query.execute();
  return rows.map(({ follow_id, follow_state, member_role, ...actor }) => ({
    actor: actor as ActorRow,
    state: follow_state,
    role: member_role ?? "member",
    followId: follow_id,
  }));
}

export async function countMembers(db: Db, groupId: string, state: "pending" | "accepted"): Promise<number> {
  const row = await db
    .selectFrom("follows")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("followee_id", "=", groupId)
    .where("state", "=", state)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Is any accepted member of the group on this domain? (instance-actor access) */
export async function hasMemberOnDomain(db: Db, groupId: string, domain: string): Promise<boolean> {
  const row = await db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select("follows.id")
    .where("follows.followee_id", "=", groupId)
    .where("follows.state", "=", "accepted")
    .where("actors.domain", "=", domain)
    .executeTakeFirst();
  return row !== undefined;
}

/** Groups (local or remote) a local actor belongs to. */
export async function listGroupsOfMember(db: Db, memberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("follows")
    .innerJoin("groups", "groups.actor_id", "follows.followee_id")
    .select("groups.actor_id")
    .where("follows.follower_id", "=", memberId)
    .where("follows.state", "=", "accepted")
    .execute();
  return rows.map((r) => r.actor_id);
}

/** Owners and moderators of a group (FEP-1b12 moderators collection). */
export async function listModerators(db: Db, groupId: string): Promise<Array<{ uri: string }>> {
  return db
    .selectFrom("group_roles")
    .innerJoin("actors", "actors.id", "group_roles.member_id")
    .select("actors.uri")
    .where("group_roles.group_id", "=", groupId)
    .orderBy("actors.uri")
    .execute();
}

/** Does any account of this instance belong to the group? */
export async function hasLocalMember(db: Db, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select("follows.id")
    .where("follows.followee_id", "=", groupId)
    .where("follows.state", "=", "accepted")
    .where("actors.is_local", "=", true)
    .executeTakeFirst();
  return row !== undefined;
}

/** Groups with their actors, by actor id, in one query (a member's sidebar). */
export async function groupsByActorIds(db: Kysely<Database>, ids: string[]): Promise<GroupWithActor[]> {
  if (ids.length === 0) return [];
  const rows = await selectGroupsWithActors(db).where("groups.actor_id", "in", ids).execute();
  return rows.map(toGroupWithActor);
}
