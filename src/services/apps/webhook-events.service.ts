// What happened, as webhook subscribers read it: turns one outbox event into
// zero or more webhook events ({type, groupId, data}). Runs in the fan-out's
// transaction and reads the current state, so the data is what the instance
// holds when the event is fanned out (a moment after the write).
import type { Transaction } from "kysely";
import { findExternalRef } from "../../db/repos/external-ref.repo.ts";
import { findIdea } from "../../db/repos/idea.repo.ts";
import { findPostById, findPostByUri } from "../../db/repos/post.repo.ts";
import { findQuestion } from "../../db/repos/question.repo.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { findReportById } from "../../db/repos/report.repo.ts";
import { findTaskById, listAssignees } from "../../db/repos/task.repo.ts";
import type { ActorRow, Database, PostRow } from "../../db/schema.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";
import { answerKind } from "../../domain/question.rules.ts";
import type { WebhookEventType } from "../../domain/webhook.rules.ts";
import { stripHtml } from "../html.ts";

type Trx = Transaction<Database>;

export interface WebhookEvent {
  type: WebhookEventType;
  /** The group it happened in (subscriptions filter on it); null for instance-wide events. */
  groupId: string | null;
  data: Record<string, unknown>;
}

function actorData(actor: ActorRow | undefined) {
  return actor ? { id: actor.id, uri: actor.uri, handle: `@${actor.username}@${actor.domain}`, name: actor.name, local: actor.is_local } : null;
}

async function postData(trx: Trx, post: PostRow) {
  return {
    id: post.id,
    uri: post.uri,
    url: post.url,
    title: post.title,
    text: post.source_text ?? stripHtml(post.content_html),
    inReplyTo: post.in_reply_to_uri,
    publishedAt: post.published_at.toISOString(),
    author: actorData(await findActorById(trx, post.author_id)),
    externalRef: await findExternalRef(trx, "post", post.id),
  };
}

/** A post stored in a group: post.created, plus question.asked / question.answered / idea.status_changed as it fits. */
async function postEvents(trx: Trx, post: PostRow | undefined): Promise<WebhookEvent[]> {
  if (!post?.group_id) return [];
  const group = await findActorById(trx, post.group_id);
  if (!group) return [];
  const base = { group: actorData(group) };
  const parent = post.in_reply_to_uri ? await findPostByUri(trx, post.in_reply_to_uri) : undefined;
  if (post.author_id === group.id) {
    // The group itself writes idea answers, acceptance notes and task notes.
    const idea = parent ? await findIdea(trx, parent.id) : undefined;
    if (!idea || !parent) return [];
    return [
      { type: "idea.status_changed", groupId: group.id, data: { ...base, idea: await postData(trx, parent), status: idea.status, reason: idea.status_reason } },
    ];
  }
  const events: WebhookEvent[] = [{ type: "post.created", groupId: group.id, data: { ...base, post: await postData(trx, post) } }];
  if (!parent && (await findQuestion(trx, post.id))) {
    events.push({ type: "question.asked", groupId: group.id, data: { ...base, question: await postData(trx, post) } });
  }
  if (parent && parent.author_id !== post.author_id && (await findQuestion(trx, parent.id))) {
    const author = await findActorById(trx, post.author_id);
    events.push({
      type: "question.answered",
      groupId: group.id,
      data: {
        ...base,
        question: await postData(trx, parent),
        answer: { ...(await postData(trx, post)), kind: author ? answerKind(author.uri, group.uri) : "community" },
      },
    });
  }
  return events;
}

async function taskEvents(trx: Trx, taskId: string, created: boolean): Promise<WebhookEvent[]> {
  const task = await findTaskById(trx, taskId);
  if (!task) return [];
  const last = task.history.at(-1);
  const type: WebhookEventType | null = created
    ? "task.created"
    : last?.field === "status"
      ? "task.status_changed"
      : last && ["assigned", "assignment_requested", "assignment_accepted"].includes(last.field)
        ? "task.assigned"
        : null;
  if (!type) return [];
  const assignees = await listAssignees(trx, [task.id]);
  const data = {
    group: actorData(await findActorById(trx, task.group_id)),
    task: {
      id: task.id,
      uri: task.uri,
      title: task.title,
      status: task.status,
      statusLabel: task.status_label,
      closed: task.closed,
      priority: task.priority,
      due: task.due_date,
      labels: task.labels,
      version: task.version,
      assignees: assignees.map((a) => ({ uri: a.uri, state: a.state })),
      externalRef: await findExternalRef(trx, "task", task.id),
    },
    change: created ? null : last,
  };
  return [{ type, groupId: task.group_id, data }];
}

export async function webhookEventsFor(trx: Trx, event: OutboxEvent): Promise<WebhookEvent[]> {
  switch (event.type) {
    case "post.created":
      return postEvents(trx, await findPostById(trx, event.postId));
    case "group.relay": {
      // At a group's home, a member's post from another instance arrives as the activity the group relays.
      const activity = event.activity as { type?: string; object?: string | { id?: string } } | null;
      if (activity?.type !== "Create") return [];
      const uri = typeof activity.object === "string" ? activity.object : activity.object?.id;
      return uri ? postEvents(trx, await findPostByUri(trx, uri)) : [];
    }
    case "question.accepted": {
      const question = await findPostById(trx, event.questionId);
      if (!question?.group_id) return [];
      const answer = await findPostByUri(trx, event.answerUri);
      const group = await findActorById(trx, question.group_id);
      const answerAuthor = answer ? await findActorById(trx, answer.author_id) : undefined;
      return [
        {
          type: "question.accepted",
          groupId: question.group_id,
          data: {
            group: actorData(group),
            question: await postData(trx, question),
            // Only a post of the group is the group's to send (accepted answers are, see acceptAnswer).
            answer:
              answer?.group_id === question.group_id
                ? { ...(await postData(trx, answer)), kind: answerAuthor && group ? answerKind(answerAuthor.uri, group.uri) : "community" }
                : { uri: event.answerUri },
          },
        },
      ];
    }
    case "task.published":
      return taskEvents(trx, event.taskId, event.created);
    case "thread.escalated": {
      const [post, task] = [await findPostById(trx, event.postId), await findTaskById(trx, event.taskId)];
      if (!post || !task) return [];
      return [
        {
          type: "thread.escalated",
          groupId: post.group_id,
          data: {
            group: post.group_id ? actorData(await findActorById(trx, post.group_id)) : null,
            thread: await postData(trx, post),
            task: { id: task.id, uri: task.uri, title: task.title, status: task.status, externalRef: await findExternalRef(trx, "task", task.id) },
            by: actorData(await findActorById(trx, event.byId)),
          },
        },
      ];
    }
    case "group.member_joined":
    case "group.member_left":
      return [
        {
          type: event.type === "group.member_joined" ? "member.joined" : "member.left",
          groupId: event.groupId,
          data: { group: actorData(await findActorById(trx, event.groupId)), member: actorData(await findActorById(trx, event.memberId)) },
        },
      ];
    case "report.filed": {
      const report = await findReportById(trx, event.reportId);
      if (!report) return [];
      return [
        {
          type: "report.filed",
          groupId: report.group_id,
          data: {
            report: { id: report.id, comment: report.comment, postUris: report.post_uris, createdAt: new Date(report.created_at).toISOString() },
            reporter: actorData(await findActorById(trx, report.reporter_id)),
            target: report.target_id ? actorData(await findActorById(trx, report.target_id)) : null,
            group: report.group_id ? actorData(await findActorById(trx, report.group_id)) : null,
          },
        },
      ];
    }
    default:
      return [];
  }
}
