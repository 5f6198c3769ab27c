// Reads about groups: the group with its actor, a viewer's membership, the
// member list, and delivery targets.
import { sql, type Kysely, type Transaction } from "kysely";
import type { ActorRow, Database, GroupRow } from "../schema.ts";
import { escapeLike } from "./search.queries.ts";

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
  const row = await selectGroupsWithActors(db).where("groups.actor_id", "=", actorId).executeTakeFirst();
  return row ? toGroupWithActor(row) : undefined;
}

export async function listGroups(
  db: Db,
  options: {
    localOnly: boolean;
    /** Keyset paging: after this group's actor id, in (username, id) order. */
    afterId?: string | undefined;
    limit?: number;
    /**
     * Only the groups that may be listed to this actor: ours, and those elsewhere it
     * has a relation to (a follow, a ban, an invitation). The visibility rule still
     * decides on each row; this only keeps the thousands of remote groups the
     * instance has heard of out of the page's reads.
     */
    relatedTo?: string | undefined;
    /** Only the groups this actor follows (accepted: a member, unless a ban says otherwise). */
    followedBy?: string | undefined;
    /** Only groups with this text in their handle, name or description (any case). */
    matching?: string | undefined;
  },
): Promise<GroupWithActor[]> {
  let query = selectGroupsWithActors(db).orderBy("actors.username").orderBy("actors.id");
  if (options.localOnly) query = query.where("actors.is_local", "=", true);
  const related = options.relatedTo;
  if (related !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("actors.is_local", "=", true),
        eb.exists(eb.selectFrom("follows as rf").select("rf.id").where("rf.follower_id", "=", related).whereRef("rf.followee_id", "=", "actors.id")),
        eb.exists(eb.selectFrom("group_bans as rb").select("rb.group_id").where("rb.member_id", "=", related).whereRef("rb.group_id", "=", "actors.id")),
        eb.exists(eb.selectFrom("group_invites as ri").select("ri.group_id").where("ri.invitee_id", "=", related).whereRef("ri.group_id", "=", "actors.id")),
      ]),
    );
  }
  if (options.matching) {
    const pattern = `%${escapeLike(options.matching)}%`;
    query = query.where((eb) => eb.or([eb("actors.username", "ilike", pattern), eb("actors.name", "ilike", pattern), eb("actors.summary", "ilike", pattern)]));
  }
  const follower = options.followedBy;
  if (follower !== undefined) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("follows as mf")
          .select("mf.id")
          .where("mf.follower_id", "=", follower)
          .where("mf.state", "=", "accepted")
          .whereRef("mf.followee_id", "=", "actors.id"),
      ),
    );
  }
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
export async function listModerators(db: Db, groupId: string): Promise<Array<{ id: string; uri: string }>> {
  return db
    .selectFrom("group_roles")
    .innerJoin("actors", "actors.id", "group_roles.member_id")
    .select(["actors.id", "actors.uri"])
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

/**
 * The groups a local actor follows (accepted), with their actors, in name
 * order (as a sidebar shows them), at most `limit`: one statement. The
 * membership itself is still told by the caller from the facts (a ban beats
 * a follow), so the facts come along as columns.
 */
export async function followedGroups(db: Db, actorId: string, limit?: number): Promise<Array<GroupWithActor & { facts: MembershipFacts }>> {
  let query = selectGroupsWithActors(db)
    .innerJoin("follows as mf", (join) => join.onRef("mf.followee_id", "=", "actors.id").on("mf.follower_id", "=", actorId).on("mf.state", "=", "accepted"))
    .leftJoin("group_roles as mr", (join) => join.onRef("mr.group_id", "=", "actors.id").on("mr.member_id", "=", actorId))
    .select(["mf.id as follow_id", "mf.activity_uri as follow_activity_uri", "mr.role as member_role"])
    .select((eb) => [
      eb
        .exists(eb.selectFrom("group_bans as mb").select("mb.group_id").where("mb.member_id", "=", actorId).whereRef("mb.group_id", "=", "actors.id"))
        .as("banned"),
      eb
        .exists(eb.selectFrom("group_invites as mi").select("mi.group_id").where("mi.invitee_id", "=", actorId).whereRef("mi.group_id", "=", "actors.id"))
        .as("invited"),
    ])
    .orderBy(sql`lower(coalesce(actors.name, actors.username))`)
    .orderBy("actors.id");
  if (limit !== undefined) query = query.limit(limit);
  const rows = await query.execute();
  return rows.map(({ follow_id, follow_activity_uri, member_role, banned, invited, ...row }) => ({
    ...toGroupWithActor(row),
    facts: {
      followState: "accepted" as const,
      followActivityUri: follow_activity_uri,
      followId: follow_id,
      role: member_role,
      banned: Boolean(banned),
      invited: Boolean(invited),
    },
  }));
}

/** How many of a group's members are its owners (the last one may not leave). */
export async function countOwners(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom("group_roles")
    .innerJoin("follows", (join) => join.onRef("follows.followee_id", "=", "group_roles.group_id").onRef("follows.follower_id", "=", "group_roles.member_id"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("group_roles.group_id", "=", groupId)
    .where("group_roles.role", "=", "owner")
    .where("follows.state", "=", "accepted")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Groups with their actors, by actor id, in one query. */
export async function groupsByActorIds(db: Kysely<Database>, ids: string[]): Promise<GroupWithActor[]> {
  if (ids.length === 0) return [];
  const rows = await selectGroupsWithActors(db).where("groups.actor_id", "in", ids).execute();
  return rows.map(toGroupWithActor);
}
