// Everything the visibility rule needs to know about one person looking at a
// page, in ONE statement (issue 18): the groups on the page (visibility,
// shared-room listing) with the viewer's follow, role, ban and invitation in
// each, the viewer's own domain, and — for the page's private and direct
// posts — which authors the viewer follows and which posts name the viewer.
// Each fact is a sub-select on its own key (the same indexes as the separate
// reads it replaces), so the statement's cost grows with the page, not with
// the tables. An instance viewer's facts are read by visibility.queries.ts.
import type { Kysely, Transaction } from "kysely";
import { jsonArrayFrom, jsonObjectFrom } from "kysely/helpers/postgres";
import type { Database } from "../schema.ts";
import type { GroupFacts } from "../../domain/visibility.rules.ts";
import type { MembershipFacts } from "./group.queries.ts";

type Db = Kysely<Database> | Transaction<Database>;

export interface ViewerFacts {
  groups: Map<string, GroupFacts>;
  /** The viewer's facts in each of the groups asked (every id that is an actor). */
  memberships: Map<string, MembershipFacts>;
  viewerDomain: string | null;
  followedAuthors: Set<string>;
  mentioningPosts: Set<string>;
}

interface GroupRow {
  id: string;
  is_local: boolean;
  domain: string;
  visibility: GroupFacts["visibility"] | null;
  rooms: Array<{ domain: string; state: string }>;
  follow: { id: string; state: MembershipFacts["followState"]; activity_uri: string | null } | null;
  role: MembershipFacts["role"];
  banned: boolean;
  invited: boolean;
}

/**
 * The facts for `actorId` looking at these groups and these narrow posts
 * (`posts`: private and direct posts not by the viewer). One statement.
 */
export async function viewerFactsFor(db: Db, actorId: string, groupIds: string[], posts: Array<{ id: string; author_id: string }>): Promise<ViewerFacts> {
  const ids = [...new Set(groupIds)];
  const authorIds = [...new Set(posts.map((p) => p.author_id))];
  const postIds = [...new Set(posts.map((p) => p.id))];
  // `in ()` is not SQL: an empty list asks for an id no row has.
  const none = [""];
  const row = await db
    .selectNoFrom((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom("actors")
          .where("actors.id", "in", ids.length > 0 ? ids : none)
          .select((g) => [
            "actors.id",
            "actors.is_local",
            "actors.domain",
            // A sub-select on groups' key, not a join: a join let the planner hash the whole groups table (a read that grows with it).
            g.selectFrom("groups").select("groups.visibility").whereRef("groups.actor_id", "=", "actors.id").as("visibility"),
            jsonArrayFrom(
              g
                .selectFrom("room_organizations")
                .select(["room_organizations.domain", "room_organizations.state"])
                .whereRef("room_organizations.group_id", "=", "actors.id"),
            ).as("rooms"),
            jsonObjectFrom(
              g
                .selectFrom("follows")
                .select(["follows.id", "follows.state", "follows.activity_uri"])
                .where("follows.follower_id", "=", actorId)
                .whereRef("follows.followee_id", "=", "actors.id"),
            ).as("follow"),
            g
              .selectFrom("group_roles")
              .select("group_roles.role")
              .where("group_roles.member_id", "=", actorId)
              .whereRef("group_roles.group_id", "=", "actors.id")
              .as("role"),
            g
              .exists(
                g
                  .selectFrom("group_bans")
                  .select("group_bans.group_id")
                  .where("group_bans.member_id", "=", actorId)
                  .whereRef("group_bans.group_id", "=", "actors.id"),
              )
              .as("banned"),
            g
              .exists(
                g
                  .selectFrom("group_invites")
                  .select("group_invites.group_id")
                  .where("group_invites.invitee_id", "=", actorId)
                  .whereRef("group_invites.group_id", "=", "actors.id"),
              )
              .as("invited"),
          ]),
      ).as("groups"),
      eb.selectFrom("actors").select("actors.domain").where("actors.id", "=", actorId).as("viewer_domain"),
      jsonArrayFrom(
        eb
          .selectFrom("follows")
          .select("follows.followee_id")
          .where("follows.follower_id", "=", actorId)
          .where("follows.state", "=", "accepted")
          .where("follows.followee_id", "in", authorIds.length > 0 ? authorIds : none),
      ).as("followed"),
      jsonArrayFrom(
        eb
          .selectFrom("post_mentions")
          .innerJoin("actors", "actors.uri", "post_mentions.actor_uri")
          .select("post_mentions.post_id")
          .where("actors.id", "=", actorId)
          .where("post_mentions.post_id", "in", postIds.length > 0 ? postIds : none),
      ).as("mentioned"),
    ])
    .executeTakeFirstOrThrow();
  const groups = new Map<string, GroupFacts>();
  const memberships = new Map<string, MembershipFacts>();
  for (const g of row.groups as unknown as GroupRow[]) {
    if (g.visibility !== null) {
      const listed = g.is_local ? g.rooms : [];
      const room =
        listed.length > 0
          ? { homeDomain: g.domain, listed: true, accepted: new Set(listed.filter((r) => r.state === "accepted").map((r) => r.domain)) }
          : undefined;
      groups.set(g.id, { actorId: g.id, visibility: g.visibility, isLocal: g.is_local, room });
    }
    memberships.set(g.id, {
      followState: g.follow?.state ?? null,
      followActivityUri: g.follow?.activity_uri ?? null,
      followId: g.follow?.id ?? null,
      role: g.role ?? null,
      banned: g.banned === true,
      invited: g.invited === true,
    });
  }
  return {
    groups,
    memberships,
    viewerDomain: row.viewer_domain ?? null,
    followedAuthors: new Set(row.followed.map((f) => f.followee_id)),
    mentioningPosts: new Set(row.mentioned.map((m) => m.post_id)),
  };
}
