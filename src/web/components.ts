// Pieces several pages show: people and their avatars, groups, tasks, the
// "Older" pager. Posts are in post-card.ts.
import type { ActorView } from "../services/actor.service.ts";
import type { TaskView } from "../services/task.service.ts";
import { html, type Html } from "./html.ts";

export { postCard, activityCard, isGroupNote } from "./post-card.ts";

/** The reference a page URL uses: a local name, or the full @name@host handle. */
export function refOf(actor: ActorView): string {
  return actor.local ? actor.username : actor.handle.replace(/^@/, "");
}

export function actorHref(actor: ActorView): string {
  return actor.type === "Group" ? `/g/${encodeURIComponent(refOf(actor))}` : `/u/${encodeURIComponent(refOf(actor))}`;
}

export function nameOf(actor: ActorView): string {
  return actor.displayName?.trim() || actor.username;
}

function initials(name: string): string {
  const words = name.replace(/[^\p{L}\p{N}\s]/gu, " ").trim().split(/\s+/).filter(Boolean);
  const letters = words.length >= 2 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** A stable colour per person, from a small palette that keeps white initials readable. */
function colourOf(key: string): number {
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % 6;
}

/** The person's picture, or their initials on a colour of their own. Decorative: the name is always beside it. */
export function avatar(actor: ActorView, size: "small" | "" = ""): Html {
  const cls = `avatar${size ? ` ${size}` : ""} c${colourOf(actor.uri)}`;
  if (actor.avatarUrl) return html`<span class="${cls}" aria-hidden="true"><img src="${actor.avatarUrl}" alt="" loading="lazy"></span>`;
  return html`<span class="${cls}" aria-hidden="true">${initials(nameOf(actor))}</span>`;
}

/** Where someone works: their instance stands for their company. */
export function orgChip(actor: ActorView): Html {
  return actor.local ? html`` : html`<span class="org" title="${actor.handle}">${actor.domain}</span>`;
}

export function actorLink(actor: ActorView): Html {
  return html`<a href="${actorHref(actor)}">${nameOf(actor)}</a> <span class="muted">${actor.local && actor.type !== "Group" ? `@${actor.username}` : actor.handle}</span>`;
}

/** Avatar, name and company: how a person appears in lists. */
export function personLine(actor: ActorView): Html {
  const handle = actor.local && actor.type !== "Group" ? `@${actor.username}` : actor.handle;
  return html`<span class="person">${avatar(actor, "small")}<a href="${actorHref(actor)}">${nameOf(actor)}</a> <span class="muted">${handle}</span> ${orgChip(actor)}</span>`;
}

/** "Gina (globex.example)" in running text. */
export function personInWords(actor: ActorView): string {
  return actor.local ? nameOf(actor) : `${nameOf(actor)} (${actor.domain})`;
}

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
 */
export function pager(path: string, query: Record<string, string | undefined>, nextBefore: string | null | undefined): Html {
  if (!nextBefore) return html``;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && k !== "before") params.set(k, v);
  params.set("before", nextBefore);
  return html`<nav class="pager" aria-label="More"><a class="button secondary" href="${path}?${params.toString()}" rel="next">Older</a></nav>`;
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
