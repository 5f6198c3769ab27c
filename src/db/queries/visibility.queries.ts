// The facts the one visibility rule (src/domain/visibility.rules.ts) needs,
// read in batch, one statement per kind of fact whatever the number of groups
// (a person's are all in one: viewer-facts.queries.ts), never one per row.
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import type { Database } from "../schema.ts";
import type { GroupFacts } from "../../domain/visibility.rules.ts";

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
  // A scalar sub-select, not `not exists`: the planner would turn that into an
  // anti-join that hashes the whole groups table for every statement; this
  // looks the post's group up by key (test/int/timeline-plans.int.test.ts).
  return sql<boolean>`(${col("visibility")} in ('public', 'unlisted') and (${col("group_id")} is null or (
    select g.visibility = 'secret' or exists (select 1 from room_organizations r where r.group_id = g.actor_id)
    from groups g where g.actor_id = ${col("group_id")}) is not true))`;
}

/**
 * The rule's answer for a reply (`replies`) to a post (`posts`) the viewer
 * already sees, as a condition: what anyone may see (postSeenByAnyone), the
 * viewer's own, and, for a member of the post's group, the group's replies
 * (the viewer saw the post, so the group's shared room, if any, admits them).
 * canSee's post case for a person, so a reply count stays one statement.
 */
export function replySeenBy(replies: string, posts: string, viewerId: string | null): RawBuilder<boolean> {
  if (!viewerId) return postSeenByAnyone(replies);
  const reply = (c: string) => sql.ref(`${replies}.${c}`);
  const groupId = sql.ref(`${posts}.group_id`);
  return sql<boolean>`(${postSeenByAnyone(replies)} or ${reply("author_id")} = ${viewerId} or (${reply("group_id")} = ${groupId}
    and ${reply("visibility")} in ('public', 'unlisted', 'members_only')
    and exists (select 1 from follows m where m.followee_id = ${groupId} and m.follower_id = ${viewerId} and m.state = 'accepted')))`;
}

/**
 * The rule's member-list answer for an anonymous viewer — canSee(member-list,
 * NO_RELATION, ANONYMOUS) — as a condition on the followee of a `follows` row:
 * a person, or a group whose members anyone may list (one of ours, public,
 * no shared room). What visibleInMemberLists keeps in a following list.
 */
export function followeeListedToAnyone(follows: string): RawBuilder<boolean> {
  const followee = sql.ref(`${follows}.followee_id`);
  // A scalar sub-select by key, for the reason given in postSeenByAnyone.
  return sql<boolean>`(
    select not (ga.is_local and g.visibility = 'public' and not exists (select 1 from room_organizations r where r.group_id = g.actor_id))
    from groups g inner join actors ga on ga.id = g.actor_id where g.actor_id = ${followee}) is not true`;
}

/** The groups' facts (visibility, where they live, the organizations our shared rooms list), in one statement. */
export async function groupFactsByIds(db: Db, groupIds: string[]): Promise<Map<string, GroupFacts>> {
  const facts = new Map<string, GroupFacts>();
  if (groupIds.length === 0) return facts;
  const rows = await db
    .selectFrom("groups")
    .innerJoin("actors", "actors.id", "groups.actor_id")
    .select((eb) => [
      "groups.actor_id",
      "groups.visibility",
      "actors.is_local",
      "actors.domain",
      // Shared rooms: the organizations each of our rooms listed (and which accepted).
      jsonArrayFrom(
        eb
          .selectFrom("room_organizations")
          .select(["room_organizations.domain", "room_organizations.state"])
          .whereRef("room_organizations.group_id", "=", "groups.actor_id"),
      ).as("rooms"),
    ])
    .where("groups.actor_id", "in", [...new Set(groupIds)])
    .execute();
  for (const row of rows) {
    const listed = row.is_local ? row.rooms : [];
    const room =
      listed.length > 0
        ? { homeDomain: row.domain, listed: true, accepted: new Set(listed.filter((r) => r.state === "accepted").map((r) => r.domain)) }
        : undefined;
    facts.set(row.actor_id, { actorId: row.actor_id, visibility: row.visibility, isLocal: row.is_local, room });
  }
  return facts;
}

/** For an instance viewer: which of these groups have an accepted member, or an invitee, on its domain. */
export async function domainPresenceIn(db: Db, domain: string, groupIds: string[]): Promise<{ members: Set<string>; invitees: Set<string> }> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return { members: new Set(), invitees: new Set() };
  // One statement: for each group, whether someone on the domain is an accepted member, or invited.
  const rows = await db
    .selectFrom("actors as g")
    .where("g.id", "in", ids)
    .select((eb) => [
      "g.id",
      eb
        .exists(
          eb
            .selectFrom("follows")
            .innerJoin("actors", "actors.id", "follows.follower_id")
            .select("follows.followee_id")
            .whereRef("follows.followee_id", "=", "g.id")
            .where("follows.state", "=", "accepted")
            .where("actors.domain", "=", domain),
        )
        .as("member"),
      eb
        .exists(
          eb
            .selectFrom("group_invites")
            .innerJoin("actors", "actors.id", "group_invites.invitee_id")
            .select("group_invites.group_id")
            .whereRef("group_invites.group_id", "=", "g.id")
            .where("actors.domain", "=", domain),
        )
        .as("invitee"),
    ])
    .execute();
  return { members: new Set(rows.filter((r) => r.member).map((r) => r.id)), invitees: new Set(rows.filter((r) => r.invitee).map((r) => r.id)) };
}

/**
 * For private and direct posts seen by an instance (a signed fetch by its
 * instance actor): which of these authors any of its people follows
 * (accepted), and which of these posts mention one of them. A person's own
 * facts come with the rest of theirs (viewer-facts.queries.ts).
 */
export async function audienceFactsFor(
  db: Db,
  viewer: { domain: string },
  posts: Array<{ id: string; author_id: string }>,
): Promise<{ followedAuthors: Set<string>; mentioningPosts: Set<string> }> {
  if (posts.length === 0) return { followedAuthors: new Set(), mentioningPosts: new Set() };
  const authorIds = [...new Set(posts.map((p) => p.author_id))];
  const postIds = [...new Set(posts.map((p) => p.id))];
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
