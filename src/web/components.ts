// Pieces several pages show: tasks, the "Older" pager, words. People are in
// people.ts and posts in post-card.ts; both are re-exported here for pages.
import type { TaskView } from "../services/tasks/task.service.ts";
import { html, type Html } from "./html.ts";
import { personInWords } from "./people.ts";

export { actorHref, actorLink, avatar, nameOf, orgChip, personInWords, personLine, refOf } from "./people.ts";
export { postCard, activityCard, isGroupNote } from "./post-card.ts";

export function emptyNote(text: string): Html {
  return html`<p class="empty muted">${text}</p>`;
}

/** "a member", "an owner". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The "Older" link of a list: the same page with `before` set to the last
 * item shown, so a new post arriving never shifts what the next page holds.
 * Past the first page (`current`, this page's own `before`), a "Newest" link
 * leads back to the start.
 */
export function pager(path: string, query: Record<string, string | undefined>, nextBefore: string | null | undefined, current?: string): Html {
  if (!nextBefore && !current) return html``;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && k !== "before") params.set(k, v);
  const start = params.toString();
  const newest = current ? html`<a class="button secondary" href="${start ? `${path}?${start}` : path}" rel="first">Newest</a>` : "";
  if (!nextBefore) return html`<nav class="pager" aria-label="More">${newest}</nav>`;
  params.set("before", nextBefore);
  return html`<nav class="pager" aria-label="More">${newest}<a class="button secondary" href="${path}?${params.toString()}" rel="next">Older</a></nav>`;
}

/** The `before` cursor of a list page, when it is a valid id. */
export function beforeOf(query: unknown): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.before;
  return typeof raw === "string" && /^\d{1,25}$/.test(raw) ? raw : undefined;
}

export function statusChip(task: { statusLabel: string; closed: boolean; status: string }): Html {
  return html`<span class="chip status ${task.closed ? "closed" : task.status === "open" ? "open" : "other"}">${task.statusLabel}</span>`;
}

export function taskBadges(task: TaskView): Html {
  return html`${task.due ? html`<span class="badge${task.overdue ? " overdue" : ""}">${task.overdue ? "Overdue: " : "Due "}${task.due}</span>` : ""}
    ${task.priority !== "normal" ? html`<span class="badge">${task.priority}</span>` : ""}
    ${task.labels.map((l) => html`<span class="badge">${l}</span> `)}`;
}

export function assigneeList(task: TaskView): Html {
  return task.assignees.length === 0
    ? html`Unassigned`
    : html`${task.assignees.map((a, i) => html`${i > 0 ? ", " : ""}${personInWords(a.actor)}${a.state === "pending" ? " (asked)" : ""}`)}`;
}

export function taskCard(task: TaskView, options: { draggable?: boolean } = {}): Html {
  return html`<div class="task" data-task="${task.id}" data-version="${task.version}"${options.draggable ? html` draggable="true"` : ""}>
    <h3><a href="/tasks/${task.id}">${task.title}</a></h3>
    <div>${taskBadges(task)}</div>
    <div class="muted">${assigneeList(task)}</div>
  </div>`;
}

/** A task as one line in its group's feed: status chip, assignees, due date. */
export function taskActivity(task: TaskView): Html {
  return html`<div class="activity">${statusChip(task)} <a href="/tasks/${task.id}">${task.title}</a>
    <span class="muted">${assigneeList(task)}</span>${task.due ? html` <span class="badge${task.overdue ? " overdue" : ""}">${task.overdue ? "Overdue " : "Due "}${task.due}</span>` : ""}</div>`;
}
