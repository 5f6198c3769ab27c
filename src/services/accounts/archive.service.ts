// Archives as ActivityStreams JSON, in the spirit of Mastodon's export: a
// person's own posts (as Create activities, with their media), likes,
// follows and group memberships; and, for a group's owners, the group with
// its posts and members. Plain JSON-LD that any ActivityPub tool can read.
import { actorsById, followUris, likedPostUris, postsByAuthor, postsOfGroup, rolesOf } from "../../db/queries/archive.queries.ts";
import { listGroupsOfMember, listMembers as listMemberRows } from "../../db/queries/group.queries.ts";
import { mediaOfPosts } from "../../db/repos/media.repo.ts";
import type { ActorRow, MediaRow, PostRow } from "../../db/schema.ts";
import { forbidden, validationFailed } from "../../domain/errors.ts";
import { requireLocalUserActor } from "./actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { findGroup, membershipOf } from "../groups/group.service.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

type Json = Record<string, unknown>;

function actorJson(actor: ActorRow): Json {
  return {
    id: actor.uri,
    type: actor.type,
    preferredUsername: actor.username,
    name: actor.name,
    summary: actor.summary,
    url: actor.url,
    ...(actor.icon_url ? { icon: { type: "Image", url: actor.icon_url } } : {}),
    published: actor.created_at.toISOString(),
  };
}

function collection(items: unknown[]): Json {
  return { type: "OrderedCollection", totalItems: items.length, orderedItems: items };
}

function postObject(ctx: ServiceContext, post: PostRow, author: ActorRow | undefined, group: ActorRow | undefined, media: MediaRow[]): Json {
  const to = post.visibility === "public" ? [PUBLIC] : group ? [group.uri] : [];
  return {
    id: post.uri,
    type: post.type,
    attributedTo: author?.uri ?? null,
    ...(post.title ? { name: post.title } : {}),
    content: post.content_html,
    ...(post.source_text ? { source: { content: post.source_text, mediaType: "text/plain" } } : {}),
    published: post.published_at.toISOString(),
    ...(post.edited_at ? { updated: post.edited_at.toISOString() } : {}),
    ...(post.in_reply_to_uri ? { inReplyTo: post.in_reply_to_uri } : {}),
    ...(group ? { audience: group.uri } : {}),
    to,
    attachment: media.map((m) => ({
      type: "Document",
      mediaType: m.mime_type,
      url: m.remote_url ?? new URL(`/media/${m.file_name}`, ctx.origin).href,
      name: m.description,
    })),
  };
}

async function postsJson(ctx: ServiceContext, posts: PostRow[], asActivities: boolean): Promise<unknown[]> {
  const media = await mediaOfPosts(
    ctx.db,
    posts.map((p) => p.id),
  );
  const actors = new Map(
    (await actorsById(ctx.db, [...new Set(posts.flatMap((p) => [p.author_id, ...(p.group_id ? [p.group_id] : [])]))])).map((a) => [a.id, a]),
  );
  return posts.map((post) => {
    const author = actors.get(post.author_id);
    const object = postObject(
      ctx,
      post,
      author,
      post.group_id ? actors.get(post.group_id) : undefined,
      media.filter((m) => m.post_id === post.id),
    );
    if (!asActivities) return object;
    return { id: `${post.uri}#create`, type: "Create", actor: author?.uri ?? null, published: object.published, to: object.to, object };
  });
}

/** Everything a person put into this instance, as ActivityStreams JSON. */
export async function personalArchive(ctx: ServiceContext, username: string): Promise<Json> {
  const me = await requireLocalUserActor(ctx, username);
  const [posts, likes, following, followers, groupIds, roles] = await Promise.all([
    postsByAuthor(ctx.db, me.id),
    likedPostUris(ctx.db, me.id),
    followUris(ctx.db, me.id, "following"),
    followUris(ctx.db, me.id, "followers"),
    listGroupsOfMember(ctx.db, me.id),
    rolesOf(ctx.db, me.id),
  ]);
  const groups = await actorsById(ctx.db, groupIds);
  const roleBy = new Map(roles.map((r) => [r.group_id, r.role]));
  return {
    "@context": AS,
    type: "Collection",
    name: `Archive of @${me.username}@${me.domain}`,
    generated: new Date().toISOString(),
    actor: actorJson(me),
    outbox: collection(await postsJson(ctx, posts, true)),
    likes: collection(likes),
    following: collection(following.filter((f) => f.type !== "Group").map((f) => f.uri)),
    followers: collection(followers.map((f) => f.uri)),
    memberships: collection(groups.map((g) => ({ type: "Group", id: g.uri, name: g.name, role: roleBy.get(g.id) ?? "member" }))),
  };
}

/** A group of ours with its posts and members, for its owners. */
export async function groupArchive(ctx: ServiceContext, username: string, ref: string): Promise<Json> {
  const viewer = await requireLocalUserActor(ctx, username);
  const group = await findGroup(ctx, ref, viewer.id);
  if (!group.actor.is_local) throw validationFailed("Export a group on its home instance, which holds all of it");
  const membership = await membershipOf(ctx, group.actor.id, viewer.id);
  if (membership?.state !== "accepted" || membership.role !== "owner") throw forbidden("Only the group's owners can export it");
  const [posts, members] = await Promise.all([postsOfGroup(ctx.db, group.actor.id), listMemberRows(ctx.db, group.actor.id, "accepted")]);
  return {
    "@context": AS,
    type: "Collection",
    name: `Archive of the group @${group.actor.username}@${group.actor.domain}`,
    generated: new Date().toISOString(),
    group: { ...actorJson(group.actor), visibility: group.group.visibility, joinPolicy: group.group.join_policy },
    posts: collection(await postsJson(ctx, posts, false)),
    members: collection(members.map((m) => ({ id: m.actor.uri, type: m.actor.type, name: m.actor.name, role: m.role }))),
  };
}
