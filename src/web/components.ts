// Pieces several pages show: people, groups, posts, tasks.
import type { ActorView } from "../services/actor.service.ts";
import type { PostView } from "../services/post.service.ts";
import type { TaskView } from "../services/task.service.ts";
import { html, trusted, when, type Html } from "./html.ts";
import { csrfField } from "./layout.ts";
import type { WebSession } from "./session.ts";

/** The reference a page URL uses: a local name, or the full @name@host handle. */
export function refOf(actor: ActorView): string {
  return actor.local ? actor.username : actor.handle.replace(/^@/, "");
}

export function actorLink(actor: ActorView): Html {
  const href = actor.type === "Group" ? `/g/${encodeURIComponent(refOf(actor))}` : `/u/${encodeURIComponent(refOf(actor))}`;
  return html`<a href="${href}">${actor.displayName ?? actor.username}</a> <span class="muted">${actor.handle}</span>`;
}

export function postCard(post: PostView, session: WebSession | null, options: { showGroup?: boolean } = {}): Html {
  const like = session
    ? html`<form method="post" action="/p/${post.id}/${post.likedByMe ? "unlike" : "like"}" class="inline">${csrfField(session)}<button type="submit" class="link" aria-pressed="${post.likedByMe ? "true" : "false"}">${post.likedByMe ? "Unlike" : "Like"}</button></form>`
    : html``;
  return html`<article class="post" id="post-${post.id}" data-id="${post.id}">
    <header>${actorLink(post.author)} ${options.showGroup && post.group ? html`in ${actorLink(post.group)}` : ""} · <a href="/p/${post.id}">${when(post.publishedAt)}</a>${post.editedAt ? html` · edited` : ""}</header>
    ${post.title ? html`<h2>${post.title}</h2>` : ""}
    <div class="content">${trusted(post.contentHtml)}</div>
    <footer class="muted">${post.likeCount} like${post.likeCount === 1 ? "" : "s"} · <a href="/p/${post.id}">${post.replyCount} repl${post.replyCount === 1 ? "y" : "ies"}</a> ${like}</footer>
  </article>`;
}

export function emptyNote(text: string): Html {
  return html`<p class="empty muted">${text}</p>`;
}

export function taskBadges(task: TaskView): Html {
  return html`${task.due ? html`<span class="badge${task.overdue ? " overdue" : ""}">${task.overdue ? "Overdue: " : "Due "}${task.due}</span>` : ""}
    ${task.priority !== "normal" ? html`<span class="badge">${task.priority}</span>` : ""}
    ${task.labels.map((l) => html`<span class="badge">${l}</span> `)}`;
}

export function taskCard(task: TaskView): Html {
  return html`<div class="task" data-task="${task.id}">
    <h3><a href="/tasks/${task.id}">${task.title}</a></h3>
    <div>${taskBadges(task)}</div>
    <div class="muted">${task.assignees.length === 0 ? "Unassigned" : task.assignees.map((a, i) => html`${i > 0 ? ", " : ""}${a.actor.handle}${a.state === "pending" ? " (asked)" : ""}`)}</div>
  </div>`;
}
