// Escalation: a moderator, at the group's home, turns a thread (a question,
// a complaint) into a task on the group's board. Both stay linked: the task's description links
// the thread and `escalatedFrom` names it; the thread gets a reply linking
// the task that mentions the asker, so they hear of it on their own instance
// (Mastodon included) and can follow the task from there. Webhooks get a
// `thread.escalated` event, to hand the thread to a ticketing system.
import { insertEscalation, escalationOfPost } from "../../db/repos/escalation.repo.ts";
import { recordOutboxEvent } from "../../db/repos/outbox.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { conflict, notFound, validationFailed } from "../../domain/errors.ts";
import { assertCanModerate } from "../../domain/group.rules.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { membershipOf } from "../groups/group.service.ts";
import { stripHtml } from "../html.ts";
import { createGroupReply, getPost } from "../posts/post.service.ts";
import { findPostById } from "../../db/repos/post.repo.ts";
import { createTask } from "./task.service.ts";
import { isPendingChange } from "./task-change.service.ts";
import { withLinks } from "./task-link.service.ts";

export async function escalateThread(ctx: ServiceContext, username: string, postId: string, input: { title?: string | undefined }) {
  const user = await requireLocalUserActor(ctx, username);
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await getPost(ctx, postId, user.id))) throw notFound(`No post ${postId}`);
  if (!post.group_id) throw validationFailed("Only a thread in a group can become a task on its board");
  const group = await findActorById(ctx.db, post.group_id);
  // The home holds the board, the link and the thread's group voice; a copy elsewhere could keep none of them.
  if (!group?.is_local) throw validationFailed(`Escalate this thread on the group's home instance, ${group?.domain ?? "its home"}`);
  assertCanModerate(await membershipOf(ctx, post.group_id, user.id));
  const existing = await escalationOfPost(ctx.db, post.id);
  if (existing) throw conflict(`This thread is already task ${existing.task_id}`, { task: existing.task_id });
  const asker = await findActorById(ctx.db, post.author_id);
  const text = post.source_text ?? stripHtml(post.content_html);
  const title = input.title?.trim() || post.title || text.split("\n")[0]!.replace(/#\w+/g, "").trim().slice(0, 120) || "Escalated thread";
  const task = await createTask(ctx, username, `@${group.username}@${group.domain}`, {
    title,
    description: `Escalated from ${post.url ?? post.uri}${asker ? ` (asked by @${asker.username}@${asker.domain})` : ""}\n\n${text.slice(0, 2000)}`,
  });
  // The group is ours (checked above), so the task exists now rather than waiting for another home.
  if (isPendingChange(task)) throw validationFailed("Escalate this thread on the group's home instance");
  await ctx.db.transaction().execute(async (trx) => {
    await insertEscalation(trx, post.id, task.id, user.id);
    await recordOutboxEvent(trx, { type: "thread.escalated", postId: post.id, taskId: task.id, byId: user.id });
  });
  ctx.onOutboxEvent?.();
  const mention = asker && asker.id !== user.id ? { handle: `@${asker.username}@${asker.domain}`, uri: asker.uri, url: asker.url ?? asker.uri } : null;
  const content = `${mention ? `${mention.handle} ` : ""}This is now a task on our board: ${task.uri}`;
  // The group itself says so: a note in the thread, not an answer.
  const replyId = await createGroupReply(ctx, group, {
    inReplyTo: post,
    content,
    mentionUris: mention ? [mention.uri] : [],
    tags: [],
    mentions: mention ? [mention] : [],
  });
  return { task: await withLinks(ctx, task), reply: await getPost(ctx, replyId, user.id) };
}
