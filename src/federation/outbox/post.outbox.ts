// Outbox events about posts and likes, turned into activities.
//
// Routing (FEP-1b12): a post in one of our groups goes out as the group's
// Announce of the author's activity, to every member instance once (shared
// inboxes); a post in a remote group goes to that group's inbox, and the
// group relays it; a post outside groups goes to the author's followers.
import type { Context } from "@fedify/fedify";
import { Delete, Like, Tombstone, Undo, Update, type Activity, type Object as APObject } from "@fedify/vocab";
import { findActorById, findActorByUri } from "../../db/repos/remote-actor.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { getPostEntry } from "../../db/queries/post.queries.ts";
import type { FollowerInbox } from "../../db/queries/follow.queries.ts";
import type { ActorCard, ActorRow } from "../../db/schema.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import type { ServiceContext } from "../../services/context.ts";
import { toRecipient } from "../mappers/actor.mapper.ts";
import { allowedRecipients, followerRecipients, isAllowedRecipient, mayRead } from "../recipients.ts";
import { relayThroughGroup } from "./group-relay.ts";
import type { BatchReads } from "./batch-reads.ts";
import { addressing, postObjectOf } from "../mappers/post.mapper.ts";
import { createActivityOf } from "../mappers/outbox-item.mapper.ts";
import { sendShare } from "./share.outbox.ts";

type PostEvent = Extract<OutboxEvent, { type: `post.${string}` }>;

async function deliver(
  ctx: Context<ServiceContext>,
  reads: BatchReads,
  actor: ActorCard,
  group: ActorCard | null,
  activity: Activity,
  extraRecipients: ActorCard[],
  announceId: URL,
  orderingKey: string,
  about: { post?: APObject | null; localAuthor?: ActorCard | null; toFollowers?: boolean } = {},
): Promise<void> {
  let told = new Set<string>();
  let recipients: FollowerInbox[] = await allowedRecipients(
    ctx.data,
    extraRecipients.filter((r) => r.id !== group?.id),
  );
  if (group?.is_local) {
    told = await relayThroughGroup(ctx, reads, { group, activity, announceId, orderingKey, ...about });
  } else if (group) {
    if (await isAllowedRecipient(ctx.data, group)) recipients.push(group);
  } else if (actor.is_local && about.toFollowers !== false) {
    // Followers and mentioned people in one delivery: each server gets it once.
    recipients = [...(await followerRecipients(ctx.data, actor.id)), ...recipients];
  }
  // A server that got the group's Announce of this activity already has it.
  const unique = new Map(recipients.filter((r) => !told.has(new URL(r.uri).host)).map((r) => [r.id, r]));
  if (unique.size > 0) {
    await ctx.sendActivity({ identifier: actor.username }, [...unique.values()].map(toRecipient), activity, {
      preferSharedInbox: true,
      orderingKey,
    });
  }
}

export async function sendPostEvent(ctx: Context<ServiceContext>, reads: BatchReads, event: PostEvent, activityId: URL): Promise<void> {
  const db = ctx.data.db;
  switch (event.type) {
    case "post.created":
    case "post.updated": {
      const entry = await getPostEntry(db, event.postId, null);
      if (!entry || !entry.author.is_local) return;
      const object = postObjectOf(entry, new URL(ctx.origin));
      const created = createActivityOf(entry, new URL(ctx.origin));
      const activity =
        event.type === "post.created" ? created : new Update({ id: activityId, actor: created.actorId, object, tos: created.toIds, ccs: created.ccIds });
      const mentioned: ActorRow[] = [];
      // A direct post reaches only the people it names (Mastodon's addressing).
      const onlyMentioned = !entry.group && (entry.post.visibility === "direct" || entry.post.visibility === "members_only");
      // A reply also reaches the author of the post it answers, so the one
      // original thread gets it even when written in another group.
      const parent = entry.post.in_reply_to_uri && !onlyMentioned ? await findPostByUri(db, entry.post.in_reply_to_uri) : undefined;
      const parentAuthor = parent ? await findActorById(db, parent.author_id) : undefined;
      if (parentAuthor) mentioned.push(parentAuthor);
      for (const uri of entry.mentions) {
        const row = await findActorByUri(db, uri);
        if (row) mentioned.push(row);
      }
      const named = entry.group ? await mayRead(ctx.data, entry.post, mentioned) : mentioned;
      await deliver(ctx, reads, entry.author, entry.group, activity, named, new URL(`${activityId.href}#announce`), entry.post.uri, {
        post: object,
        localAuthor: entry.author,
        toFollowers: !onlyMentioned,
      });
      return;
    }
    case "post.deleted": {
      const author = await findActorById(db, event.authorId);
      const group = event.groupId ? ((await findActorById(db, event.groupId)) ?? null) : null;
      if (!author?.is_local) return;
      // A direct post's Delete goes where the post went: to the people it named, only.
      const onlyMentioned = !group && (event.visibility === "direct" || event.visibility === "members_only");
      const named: ActorRow[] = [];
      for (const uri of event.mentionUris ?? []) {
        const row = await findActorByUri(db, uri);
        if (row) named.push(row);
      }
      // Addressed as the post was (a followers-only post's Delete does not say Public).
      const { to, cc } = addressing({ visibility: event.visibility }, author, group, event.mentionUris ?? []);
      const activity = new Delete({ id: activityId, actor: new URL(author.uri), object: new Tombstone({ id: new URL(event.postUri) }), tos: to, ccs: cc });
      await deliver(ctx, reads, author, group, activity, named, new URL(`${activityId.href}#announce`), event.postUri, {
        localAuthor: author,
        toFollowers: !onlyMentioned,
      });
      return;
    }
    case "post.removed": {
      const group = await findActorById(db, event.groupId);
      if (!group?.is_local) return;
      const activity = new Delete({
        id: activityId,
        actor: new URL(group.uri),
        object: new Tombstone({ id: new URL(event.postUri) }),
        tos: [new URL(group.followers_url ?? `${group.uri}/followers`)],
      });
      const author = event.authorId ? ((await findActorById(db, event.authorId)) ?? null) : null;
      await deliver(ctx, reads, group, group, activity, [], new URL(`${activityId.href}#announce`), event.postUri, { localAuthor: author });
      return;
    }
    case "post.shared":
      return sendShare(ctx, event, activityId);
    case "post.liked":
    case "post.unliked": {
      // The post's row and its group only: a Like names the post, so the
      // post's counts and facts (getPostEntry counted every like of the post,
      // one more each time on a busy post) are not read.
      // The post and its group once for the batch's likes (batch-reads.ts); the liker each.
      const post = await reads.once(`post:${event.postId}`, () => findPostById(db, event.postId));
      const liker = await findActorById(db, event.actorId);
      if (!post || !liker?.is_local) return;
      const groupId = post.group_id;
      const group = groupId ? ((await reads.once(`actor:${groupId}`, () => findActorById(db, groupId))) ?? null) : null;
      const like = new Like({ id: new URL(event.likeUri), actor: new URL(liker.uri), object: new URL(post.uri) });
      const activity = event.type === "post.liked" ? like : new Undo({ id: activityId, actor: new URL(liker.uri), object: like });
      // The author hears of it too, when the group will not tell them.
      const author = group?.is_local ? undefined : await findActorById(db, post.author_id);
      // Ordered per post *and* liker: an Undo still follows its Like, but
      // one person's like does not wait for everyone else's (a slow peer
      // would otherwise get them one round trip at a time).
      await deliver(ctx, reads, liker, group, activity, author ? [author] : [], new URL(`${activityId.href}#announce`), `${post.uri} ${liker.uri}`);
      return;
    }
  }
}
