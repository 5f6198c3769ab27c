// The facts the one visibility rule (src/domain/visibility.rules.ts) needs,
// read in batch: a viewer's relation to many groups in a few statements,
// never one query per row.
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "../schema.ts";
import type { GroupFacts } from "../../domain/visibility.rules.ts";
import type { MembershipFacts } from "./group.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The one rule's answer for an anonymous viewer — canSee(post, NO_RELATION,
 * ANONYMOUS) — as a condition on a row of `posts` (by its alias), for the
 * counts a profile shows to anyone (its statuses, its featured tags): public
 * or unlisted, and not in a group anonymous viewers may not see (a secret
 * one, or a shared room that names its companies). Counting what the viewer
 * may not read would tell that it exists (review s8, findings 46 and 48).
 */
export function postSeenByAnyone(posts: string): RawBuilder<boolean> {
  const col = (c: string) => sql.ref(`${posts}.${c}`);
  return sql<boolean>`(${col("visibility")} in ('public', 'unlisted') and (${col("group_id")} is null or not exists (
    select 1 from groups g where g.actor_id = ${col("group_id")}
    and (g.visibility = 'secret' or exists (select 1 from room_organizations r where r.group_id = g.actor_id)))))`;
}

/**
 * The rule's member-list answer for an anonymous viewer — canSee(member-list,
 * NO_RELATION, ANONYMOUS) — as a condition on the followee of a `follows` row:
 * a person, or a group whose members anyone may list (one of ours, public,
 * no shared room). What visibleInMemberLists keeps in a following list.
 */
export function followeeListedToAnyone(follows: string): RawBuilder<boolean> {
  const followee = sql.ref(`${follows}.followee_id`);
  return sql<boolean>`not exists (
    select 1 from groups g inner join actors ga on ga.id = g.actor_id where g.actor_id = ${followee}
    and not (ga.is_local and g.visibility = 'public' and not exists (select 1 from room_organizations r where r.group_id = g.actor_id)))`;
}

export async function groupFactsByIds(db: Db, groupIds: string[]): Promise<Map<string, GroupFacts>> {
  const facts = new Map<string, GroupFacts>();
  if (groupIds.length === 0) return facts;
  const ids = [...new Set(groupIds)];
  const [rows, rooms] = await Promise.all([
    db
      .selectFrom("groups")
      .innerJoin("actors", "actors.id", "groups.actor_id")
      .select(["groups.actor_id", "groups.visibility", "actors.is_local", "actors.domain"])
      .where("groups.actor_id", "in", ids)
      .execute(),
    // Shared rooms: the organizations each of our rooms listed (and which accepted).
    db.selectFrom("room_organizations").select(["group_id", "domain", "state"]).where("group_id", "in", ids).execute(),
  ]);
  for (const row of rows) {
    const listed = row.is_local ? rooms.filter((r) => r.group_id === row.actor_id) : [];
    const room =
      listed.length > 0
        ? { homeDomain: row.domain, listed: true, accepted: new Set(listed.filter((r) => r.state === "accepted").map((r) => r.domain)) }
        : undefined;
    facts.set(row.actor_id, { actorId: row.actor_id, visibility: row.visibility, isLocal: row.is_local, room });
  }
  return facts;
}

/** One actor's membership facts in each of these groups. */
export async function membershipFactsIn(db: Db, actorId: string, groupIds: string[]): Promise<Map<string, MembershipFacts>> {
  const ids = [...new Set(groupIds)];
  const facts = new Map<string, MembershipFacts>();
  if (ids.length === 0) return facts;
  const [follows, roles, bans, invites] = await Promise.all([
    db
      .selectFrom("follows")
      .select(["id", "followee_id", "state", "activity_uri"])
      .where("follower_id", "=", actorId)
      .where("followee_id", "in", ids)
      .execute(),
    db.selectFrom("group_roles").select(["group_id", "role"]).where("member_id", "=", actorId).where("group_id", "in", ids).execute(),
    db.selectFrom("group_bans").select("group_id").where("member_id", "=", actorId).where("group_id", "in", ids).execute(),
    db.selectFrom("group_invites").select("group_id").where("invitee_id", "=", actorId).where("group_id", "in", ids).execute(),
  ]);
  for (const id of ids) {
    const follow = follows.find((f) => f.followee_id === id);
    facts.set(id, {
      followState: follow?.state ?? null,
      followActivityUri: follow?.activity_uri ?? null,
      followId: follow?.id ?? null,
      role: roles.find((r) => r.group_id === id)?.role ?? null,
      banned: bans.some((b) => b.group_id === id),
      invited: invites.some((i) => i.group_id === id),
    });
  }
  return facts;
}

/** For an instance viewer: which of these groups have an accepted member, or an invitee, on its domain. */
export async function domainPresenceIn(db: Db, domain: string, groupIds: string[]): Promise<{ members: Set<string>; invitees: Set<string> }> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return { members: new Set(), invitees: new Set() };
  const [members, invitees] = await Promise.all([
    db
      .selectFrom("follows")
      .innerJoin("actors", "actors.id", "follows.follower_id")
      .select("follows.followee_id")
      .distinct()
      .where("follows.followee_id", "in", ids)
      .where("follows.state", "=", "accepted")
      .where("actors.domain", "=", domain)
      .execute(),
    db
      .selectFrom("group_invites")
      .innerJoin("actors", "actors.id", "group_invites.invitee_id")
      .select("group_invites.group_id")
      .distinct()
      .where("group_invites.group_id", "in", ids)
      .where("actors.domain", "=", domain)
      .execute(),
  ]);
  return { members: new Set(members.map((r) => r.followee_id)), invitees: new Set(invitees.map((r) => r.group_id)) };
}

/**
 * For private and direct posts: which of these authors the viewer follows
 * (accepted), and which of these posts mention the viewer. For an instance
 * viewer (`domain`), any of its people counts.
 */
export async function audienceFactsFor(
  db: Db,
  viewer: { actorId: string } | { domain: string },
  posts: Array<{ id: string; author_id: string }>,
): Promise<{ followedAuthors: Set<string>; mentioningPosts: Set<string> }> {
  if (posts.length === 0) return { followedAuthors: new Set(), mentioningPosts: new Set() };
  const authorIds = [...new Set(posts.map((p) => p.author_id))];
  const postIds = [...new Set(posts.map((p) => p.id))];
  if ("actorId" in viewer) {
    const [follows, mentions] = await Promise.all([
      db
        .selectFrom("follows")
        .select("followee_id")
        .where("follower_id", "=", viewer.actorId)
        .where("state", "=", "accepted")
        .where("followee_id", "in", authorIds)
        .execute(),
      db
        .selectFrom("post_mentions")
        .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
        .select("post_mentions.post_id")
        .where("actors.id", "=", viewer.actorId)
        .where("post_mentions.post_id", "in", postIds)
        .execute(),
    ]);
    return { followedAuthors: new Set(follows.map((f) => f.followee_id)), mentioningPosts: new Set(mentions.map((m) => m.post_id)) };
  }
  const [follows, mentions] = await Promise.all([
    db
      .selectFrom("follows")
      .innerJoin("actors", "actors.id", "follows.follower_id")
      .select("follows.followee_id")
      .distinct()
      .where("follows.followee_id", "in", authorIds)
      .where("follows.state", "=", "accepted")
      .where("actors.domain", "=", viewer.domain)
      .execute(),
    db
      .selectFrom("post_mentions")
      .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
      .select("post_mentions.post_id")
      .distinct()
      .where("actors.domain", "=", viewer.domain)
      .where("post_mentions.post_id", "in", postIds)
      .execute(),
  ]);
  return { followedAuthors: new Set(follows.map((f) => f.followee_id)), mentioningPosts: new Set(mentions.map((m) => m.post_id)) };
}
