// Task boards: columns by status, opening a task, a task's page (assign,
// answer an assignment, move, edit, comment, history), and my tasks.
import { cursorOf, LIST_PAGE, morePager } from "../list-page.ts";
import { pageMyTasks, pageTaskBoardOf, statusesOfTask } from "../../services/tasks/task-pages.service.ts";
import { organizationName } from "../organization-names.ts";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import type { PostView } from "../../services/posts/post.service.ts";
import { webSession } from "../session.ts";
import { getGroup, groupViewOf } from "../../services/groups/group.service.ts";
import { resolveGroupAccess } from "../../services/groups/group-access.ts";
import {
  assignTask,
  commentOnTask,
  createTask,
  deleteTask,
  editTask,
  getTask,
  respondToAssignment,
  setTaskStatus,
  taskComments,
} from "../../services/tasks/task.service.ts";
import { isModerator } from "../../domain/group.rules.ts";
import { isPendingChange, myChangesToTask, myNewTasksInGroup, type PendingTaskChange, type TaskChangeView } from "../../services/tasks/task-change.service.ts";
import { actorLink, emptyNote, isGroupNote, postCard, refOf, statusChip, taskBadges, taskCard } from "../components.ts";
import { historyInWords } from "../task-history.ts";
import { html, trusted, when } from "../html.ts";
import { csrfField, securityHeaders, sendPage, sendFragment } from "../layout.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";
import { groupPath, groupTabs, refParam } from "./group.page.ts";

const idOf = (params: unknown) => (params as { id: string }).id;
const hostOf = (pending: PendingTaskChange) => new URL(pending.pendingChange.groupUri).host;

/** My changes the group's home has not confirmed yet, and the ones it refused (with its reason). */
function pendingChanges(changes: TaskChangeView[]) {
  const shown = changes.filter((c) => c.state !== "accepted");
  if (shown.length === 0) return "";
  return html`<div class="card" aria-label="Your changes"><ul>${shown.map((c) =>
    c.state === "pending"
      ? html`<li><span class="badge pending">waiting</span> Your ${c.kind} change is waiting for ${new URL(c.groupUri).host} to confirm.</li>`
      : html`<li><span class="badge">refused</span> ${new URL(c.groupUri).host} refused your ${c.kind} change: ${c.refusal?.message ?? ""}</li>`,
  )}</ul></div>`;
}

/** Sanitized HTML with something to read in it (a description of only empty paragraphs is none). */
function hasText(markup: string | null): boolean {
  return !!markup && markup.replace(/<[^>]*>/g, "").trim() !== "";
}

export function registerTaskPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  // Comments newer than `after`, for the task page's live list (appended below).
  fastify.get("/tasks/:id/_live", async (request, reply) => {
    const session = await webSession(ctx, request);
    securityHeaders(reply);
    if (!session) return reply.code(401).type("text/plain").send("Sign in");
    const after = String((request.query as Record<string, unknown>).after ?? "");
    const comments = await taskComments(ctx, idOf(request.params), session.user.actorId).catch(() => [] as PostView[]);
    const fresh = comments.filter((c) => !after || c.id > after).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (fresh.length > 0) reply.header("x-newest", fresh.at(-1)!.id);
    return sendFragment(
      ctx,
      reply,
      fresh.filter((c) => !isGroupNote(c)).map((c) => postCard(c, session)),
    );
  });

  routes.signedInPage("/g/:ref/tasks", async (request, reply, session) => {
    const ref = refParam(request);
    // The group and the viewer's rights, resolved once for the whole board.
    const access = await resolveGroupAccess(ctx, ref, session.user.actorId);
    const group = groupViewOf(access);
    const query = request.query as Record<string, unknown>;
    // Each column pages on its own: "More in Done" moves only Done's cursor (after_done).
    const columns = await pageTaskBoardOf(ctx, access, (status) => cursorOf(query, `after_${status}`), LIST_PAGE);
    const waiting = group.local ? [] : await myNewTasksInGroup(ctx, session.user.actorId, group.actor.id);
    return sendPage(ctx, request, reply, {
      title: `Tasks of ${group.actor.username}`,
      session,
      section: "groups",
      body: html`${groupTabs(ref, group, "tasks")}
        <p class="help" id="board-help">Drag a card to another column, or focus it and press Space, then the arrow keys and Space again to move it.</p>
        <div class="board" data-board data-csrf="${session.csrfToken}" data-live-board="${groupPath(ref, "/tasks")}" aria-describedby="board-help">
          ${columns.map(
            (c) => html`<section aria-labelledby="col-${c.key}" data-status="${c.key}"><h2 id="col-${c.key}">${c.label} (${c.total})</h2>
              ${c.tasks.map((t) => taskCard(t, { draggable: true }))}${morePager(groupPath(ref, "/tasks"), query, c.next, `in ${c.label}`, `after_${c.key}`)}</section>`,
          )}
        </div>
        ${
          waiting.length === 0
            ? ""
            : html`<div class="card" aria-label="Your new tasks"><ul>${waiting.map((c) =>
                c.state === "pending"
                  ? html`<li><span class="badge pending">waiting</span> ${c.title}: waiting for ${new URL(c.groupUri).host} to confirm.</li>`
                  : html`<li><span class="badge">refused</span> ${c.title}: ${new URL(c.groupUri).host} refused it: ${c.refusal?.message ?? ""}</li>`,
              )}</ul></div>`
        }
        <h2>Open a task</h2>
        <form method="post" action="${groupPath(ref, "/tasks")}" class="stack card">${csrfField(session)}
          <div><label for="task-title">Title</label><input id="task-title" name="title" type="text" required maxlength="200"></div>
          <div><label for="task-description">Description</label><textarea id="task-description" name="description"></textarea></div>
          <div class="row">
            <div><label for="task-due">Due</label><input id="task-due" name="due" type="date"></div>
            <div><label for="task-priority">Priority</label><select id="task-priority" name="priority"><option value="normal">normal</option><option value="low">low</option><option value="high">high</option><option value="urgent">urgent</option></select></div>
            <div><label for="task-assignee">Assign to</label><input id="task-assignee" name="assignee" type="text" placeholder="@name or @name@company.example" data-complete="people" autocomplete="off"></div>
          </div>
          <div><label for="task-labels">Labels</label><input id="task-labels" name="labels" type="text" placeholder="comma, separated"></div>
          <div><button type="submit">Open task</button></div>
        </form>`,
    });
  });

  routes.action("/g/:ref/tasks", async (request, session, body) => {
    const assignee = optionalField(body, "assignee");
    const task = await createTask(ctx, session.user.username, refParam(request), {
      title: field(body, "title"),
      description: optionalField(body, "description"),
      due: optionalField(body, "due"),
      priority: optionalField(body, "priority"),
      labels: field(body, "labels")
        .split(",")
        .map((l) => l.trim())
        .filter(Boolean),
      assignees: assignee ? [assignee] : undefined,
    });
    if (isPendingChange(task)) return { done: `Task sent to ${hostOf(task)}: it shows on the board once it confirms.` };
    return { done: `Task opened: ${task.title}.`, to: `/tasks/${task.id}` };
  });

  routes.signedInPage("/tasks/:id", async (request, reply, session) => {
    const task = await getTask(ctx, idOf(request.params), session.user.actorId);
    const statuses = await statusesOfTask(ctx, task);
    const comments = await taskComments(ctx, task.id, session.user.actorId);
    // The group's own notes (asked, accepted, moved) are for other servers; the history below says them in words.
    const said = comments.filter((c) => !isGroupNote(c));
    const mine = task.assignees.find((a) => a.actor.id === session.user.actorId);
    const ref = refOf(task.group);
    const group = await getGroup(ctx, task.group.id, session.user.actorId);
    const moderator = isModerator(group.membership);
    const changes = task.home ? [] : await myChangesToTask(ctx, session.user.actorId, task.uri);
    return sendPage(ctx, request, reply, {
      title: task.title,
      session,
      section: "groups",
      body: html`<p><a href="${groupPath(ref, "/tasks")}">← ${task.group.displayName ?? task.group.username} tasks</a></p>
        <h1>${task.closed ? "☑" : "☐"} ${task.title}</h1>
        <p>${statusChip(task)} ${taskBadges(task)}</p>
        ${hasText(task.descriptionHtml) ? html`<div class="card">${trusted(task.descriptionHtml!)}</div>` : html`<p class="muted">No description.</p>`}
        <p>Opened by ${actorLink(task.author)} ${when(task.createdAt)} · version ${task.version}${task.home ? "" : html` · held by ${organizationName(task.group.domain)}`}</p>
        ${pendingChanges(changes)}
        <h2>Assignees</h2>
        ${task.assignees.length === 0 ? emptyNote("Nobody yet.") : html`<ul>${task.assignees.map((a) => html`<li>${actorLink(a.actor)} ${a.state === "pending" ? html`<span class="badge pending">asked, not yet accepted</span>` : ""}</li>`)}</ul>`}
        ${
          mine?.state === "pending"
            ? html`<div class="card"><p>You were asked to take this task.</p>
              <form method="post" action="/tasks/${task.id}/accept" class="inline">${csrfField(session)}<button type="submit">Accept</button></form>
              <form method="post" action="/tasks/${task.id}/decline" class="inline">${csrfField(session)}<button type="submit" class="secondary">Decline</button></form></div>`
            : ""
        }
        <form method="post" action="/tasks/${task.id}/assign" class="row card">${csrfField(session)}
          <div><label for="assignee">Assign someone</label><input id="assignee" name="assignee" type="text" placeholder="@name or @name@company.example" required data-complete="people" autocomplete="off"></div>
          <div><button type="submit">Assign</button></div>
        </form>
        <form method="post" action="/tasks/${task.id}/status" class="row card">${csrfField(session)}
          <div><label for="task-status">Status</label><select id="task-status" name="status">${statuses.map((s) => html`<option value="${s.key}"${s.key === task.status ? html` selected` : ""}>${s.label}</option>`)}</select></div>
          <div><button type="submit">Move</button></div>
        </form>
        <details><summary>Edit</summary>
          <form method="post" action="/tasks/${task.id}/edit" class="stack card">${csrfField(session)}<input type="hidden" name="version" value="${task.version}">
            <div><label for="edit-title">Title</label><input id="edit-title" name="title" type="text" value="${task.title}" required></div>
            <div><label for="edit-description">Description</label><textarea id="edit-description" name="description">${task.description ?? ""}</textarea></div>
            <div class="row"><div><label for="edit-due">Due</label><input id="edit-due" name="due" type="date" value="${task.due ?? ""}"></div>
            <div><label for="edit-priority">Priority</label><select id="edit-priority" name="priority">${["low", "normal", "high", "urgent"].map((p) => html`<option${p === task.priority ? html` selected` : ""}>${p}</option>`)}</select></div></div>
            <div><button type="submit">Save</button></div>
          </form></details>
        <h2>Comments</h2>
        <section aria-label="Comments" data-live="/tasks/${task.id}/_live" data-after="${comments.at(-1)?.id ?? ""}" data-append="true">
        ${said.length === 0 ? emptyNote("No comments yet.") : said.map((c) => postCard(c, session))}</section>
        <form method="post" action="/tasks/${task.id}/comment" class="stack card">${csrfField(session)}
          <div><label for="comment">Comment</label><textarea id="comment" name="content" required></textarea></div>
          <div><button type="submit">Comment</button></div>
        </form>
        <h2>History</h2>
        ${await historyInWords(ctx, task, statuses)}
        ${
          moderator
            ? html`<h2>Delete</h2><form method="post" action="/tasks/${task.id}/delete" class="card" data-confirm="Delete this task for everyone? This cannot be undone.">${csrfField(session)}
              <p>Delete a duplicate or a mistake: it disappears from the board on every instance.</p><button type="submit" class="danger">Delete task</button></form>`
            : ""
        }`,
    });
  });

  routes.action("/tasks/:id/assign", async (request, session, body) => {
    const task = await assignTask(ctx, session.user.username, idOf(request.params), field(body, "assignee").trim());
    if (isPendingChange(task)) return { done: `Assignment sent to ${hostOf(task)}; it shows here once it confirms.` };
    const pending = task.assignees.some((a) => a.state === "pending");
    return { done: pending ? "Asked them to take the task; it is theirs once they accept." : "Assigned." };
  });
  routes.action("/tasks/:id/accept", async (request, session) => {
    const outcome = await respondToAssignment(ctx, session.user.username, idOf(request.params), true);
    return { done: isPendingChange(outcome) ? `You accepted the task; ${hostOf(outcome)} confirms it shortly.` : "You accepted the task." };
  });
  routes.action("/tasks/:id/decline", async (request, session) => {
    const outcome = await respondToAssignment(ctx, session.user.username, idOf(request.params), false);
    return { done: isPendingChange(outcome) ? `You declined the task; ${hostOf(outcome)} confirms it shortly.` : "You declined the task." };
  });
  routes.action("/tasks/:id/status", async (request, session, body) => {
    const task = await setTaskStatus(ctx, session.user.username, idOf(request.params), field(body, "status"));
    if (isPendingChange(task)) return { done: `Move sent to ${hostOf(task)}; it shows here once it confirms.` };
    return { done: `Moved to ${task.statusLabel}.` };
  });
  routes.action("/tasks/:id/edit", async (request, session, body) => {
    const outcome = await editTask(ctx, session.user.username, idOf(request.params), Number(field(body, "version")) || undefined, {
      title: field(body, "title"),
      description: field(body, "description"),
      due: field(body, "due") || null,
      priority: optionalField(body, "priority"),
    });
    return { done: isPendingChange(outcome) ? `Edit sent to ${hostOf(outcome)}; it shows here once it confirms.` : "Saved." };
  });
  routes.action("/tasks/:id/delete", async (request, session) => {
    const task = await getTask(ctx, idOf(request.params), session.user.actorId);
    const pending = await deleteTask(ctx, session.user.username, task.id);
    if (pending) return { done: `Deletion sent to ${hostOf(pending)}; the task goes once it confirms.` };
    return { done: `Task deleted: ${task.title}.`, to: groupPath(refOf(task.group), "/tasks") };
  });
  routes.action("/tasks/:id/comment", async (request, session, body) => {
    await commentOnTask(ctx, session.user.username, idOf(request.params), field(body, "content"));
    return { done: "Comment posted." };
  });

  routes.signedInPage("/me/tasks", async (request, reply, session) => {
    const query = request.query as Record<string, string | undefined>;
    const tasks = await pageMyTasks(
      ctx,
      session.user.username,
      { overdue: query.overdue === "true", status: query.status || undefined },
      cursorOf(query),
      LIST_PAGE,
    );
    return sendPage(ctx, request, reply, {
      title: "My tasks",
      session,
      section: "tasks",
      body: html`<h1>My tasks</h1>
        <nav class="tabs" aria-label="Filter"><a href="/me/tasks"${query.overdue ? "" : html` aria-current="page"`}>All</a> <a href="/me/tasks?overdue=true"${query.overdue ? html` aria-current="page"` : ""}>Overdue</a></nav>
        ${
          tasks.items.length === 0
            ? emptyNote("Nothing assigned to you.")
            : html`<table><thead><tr><th scope="col">Task</th><th scope="col">Group</th><th scope="col">Status</th><th scope="col">Due</th></tr></thead><tbody>
            ${tasks.items.map((t) => html`<tr><td><a href="/tasks/${t.id}">${t.title}</a>${t.assignees.find((a) => a.actor.id === session.user.actorId)?.state === "pending" ? html` <span class="badge pending">waiting for your answer</span>` : ""}</td><td>${actorLink(t.group)}</td><td>${t.statusLabel}</td><td>${t.due ? html`<span class="badge${t.overdue ? " overdue" : ""}">${t.overdue ? "Overdue: " : ""}${t.due}</span>` : "—"}</td></tr>`)}
            </tbody></table>${morePager("/me/tasks", query, tasks.next, "tasks")}`
        }`,
    });
  });
}
