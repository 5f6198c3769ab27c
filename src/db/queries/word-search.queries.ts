// Finding things by words for the web's search page and the composer's
// autocomplete: people, tags, posts, tasks. Callers filter what the viewer
// may see (posts through canViewPost, tasks by group membership).
import { sql, type Kysely } from "kysely";
import type { ActorRow, Database, PostRow, TaskRow } from "../schema.ts";
import type { GroupWithActor } from "./group.queries.ts";

/** `%word%` for ILIKE, with the pattern's own characters escaped. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** People (not groups) whose username or name starts with / contains `text`; local people first. */
export async function findPeople(db: Kysely<Database>, text: string, limit: number): Promise<ActorRow[]> {
  const pattern = contains(text);
  return db
    .selectFrom("actors")
    .selectAll()
    .where("type", "=", "Person")
    .where("gone_at", "is", null)
    .where((eb) => eb.or([eb("username", "ilike", pattern), eb("name", "ilike", pattern)]))
    .orderBy("is_local", "desc")
    .orderBy(sql`length(username)`)
    .limit(limit)
    .execute();
}

/** Tags in use that start with `prefix`, most used first. */
export async function findTags(db: Kysely<Database>, prefix: string, limit: number): Promise<Array<{ tag: string; uses: number }>> {
  const rows = await db
    .selectFrom("post_tags")
    .select(["tag", sql<number>`count(*)::int`.as("uses")])
    .where("tag", "like", `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    .groupBy("tag")
    .orderBy("uses", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ tag: r.tag, uses: Number(r.uses) }));
}

/** Posts whose text or title contains `text`, newest first, before `maxId`. */
export async function findPosts(db: Kysely<Database>, text: string, options: { maxId?: string | undefined; limit: number }): Promise<PostRow[]> {
  const pattern = contains(text);
  let query = db
    .selectFrom("posts")
    .selectAll()
    .where((eb) => eb.or([eb("source_text", "ilike", pattern), eb("content_html", "ilike", pattern), eb("title", "ilike", pattern)]));
  if (options.maxId) query = query.where("id", "<", options.maxId);
  return query.orderBy("id", "desc").limit(options.limit).execute();
}

/** Tasks whose title contains `text`, in the given groups. */
export async function findTasks(db: Kysely<Database>, text: string, groupIds: string[], limit: number): Promise<TaskRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom("tasks")
    .selectAll()
    .where("group_id", "in", groupIds)
    .where("title", "ilike", contains(text))
    .orderBy("updated_at", "desc")
    .limit(limit)
    .execute();
}

/** Groups with their actors, by actor id, in one query (a member's sidebar). */
export async function groupsByActorIds(db: Kysely<Database>, ids: string[]): Promise<GroupWithActor[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("groups")
    .innerJoin("actors", "actors.id", "groups.actor_id")
    .selectAll("actors")
    .select(["groups.visibility", "groups.join_policy", "groups.created_by", "groups.created_at as group_created_at", "groups.questions_enabled"])
    .where("groups.actor_id", "in", ids)
    .execute();
  return rows.map(({ visibility, join_policy, created_by, group_created_at, questions_enabled, ...actor }) => ({
    group: { actor_id: actor.id, visibility, join_policy, created_by, created_at: group_created_at, questions_enabled },
    actor: actor as ActorRow,
  }));
}
