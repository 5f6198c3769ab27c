// A post as every list shows it: who, where, when, the content behind its
// content warning, attachments, and what the viewer may do (like, reply,
// edit, delete, report). Notes a group writes by itself (a task's or an
// idea's status) are not conversation: they show as a one-line activity.
import type { PostView } from "../services/posts/post.service.ts";
import { avatar, actorHref, nameOf, orgChip, actorLink } from "./people.ts";
import { html, trusted, when, type Html } from "./html.ts";
import { csrfField } from "./layout.ts";
import { fileCard } from "./file-card.ts";
import type { WebSession } from "./session.ts";
import type { ReputationLevel } from "../domain/reputation.rules.ts";
import { levelBadge } from "./reputation.components.ts";
import { ACCEPTED_LINE_PREFIX } from "../domain/question.rules.ts";

export interface PostCardOptions {
  showGroup?: boolean;
  /** The viewer moderates the post's group: may remove others' posts. */
  canModerate?: boolean;
  /** Media files are served from here (the instance's own URL for uploads). */
  mediaUrl?: (media: PostView["media"][number]) => string;
  /** An idea: its likes are votes, counted and cast by the idea page's own button. */
  votes?: boolean;
  /** Offer a small reply box under the post (feeds), so replying needs no page change. */
  inlineReply?: boolean;
  /** Reputation levels in the post's group by author id (a badge beside the name). */
  levels?: ReadonlyMap<string, ReputationLevel>;
}

/** A note written by a group actor itself: task and idea status, not someone talking. */
export function isGroupNote(post: PostView): boolean {
  return post.author.type === "Group";
}

function attachments(post: PostView, options: PostCardOptions): Html {
  if (post.media.length === 0 || !options.mediaUrl) return html``;
  const images = post.media.filter((m) => m.type === "image");
  const files = post.media.filter((m) => m.type !== "image");
  return html`${
    images.length > 0
      ? html`<div class="attachments">${images.map((m) => {
          const src = options.mediaUrl!(m);
          return html`<a href="${src}"><img src="${src}" alt="${m.description ?? ""}" loading="lazy"${m.width ? html` width="${m.width}" height="${m.height ?? ""}"` : ""}></a>`;
        })}</div>`
      : ""
  }${files.length > 0 ? html`<ul class="files">${files.map((m) => html`<li>${fileCard(m, options.mediaUrl!(m))}</li>`)}</ul>` : ""}`;
}

function actions(post: PostView, session: WebSession | null, options: PostCardOptions): Html {
  if (!session) return html``;
  const mine = post.author.id === session.user.actorId;
  const like = options.votes
    ? ""
    : html`<form method="post" action="/p/${post.id}/${post.likedByMe ? "unlike" : "like"}" class="inline">${csrfField(session)}<button type="submit" class="link" aria-pressed="${post.likedByMe ? "true" : "false"}">${post.likedByMe ? "Unlike" : "Like"}</button></form>`;
  const remove =
    mine || options.canModerate
      ? html`<form method="post" action="/p/${post.id}/delete" class="inline" data-confirm="${mine ? "Delete this post for everyone?" : "Remove this post from the group?"}">${csrfField(session)}<button type="submit" class="link danger">${mine ? "Delete" : "Remove"}</button></form>`
      : "";
  return html`${like}
    ${mine ? html`<a href="/p/${post.id}/edit">Edit</a>` : ""}
    ${remove}
    ${mine ? "" : html`<a href="/p/${post.id}/report">Report</a>`}`;
}

const ACCEPTED_LINK = new RegExp(`(${ACCEPTED_LINE_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*<a [^>]*>)https?://[^<]+(</a>)`, "gu");

/**
 * A question's acceptance line names the answer by its URL, for servers that
 * read it (question.rules.ts); people read "the answer" as the link instead of
 * a raw address. Only the visible text of that one link changes.
 */
function readableContent(contentHtml: string): string {
  return contentHtml.includes(ACCEPTED_LINE_PREFIX) ? contentHtml.replace(ACCEPTED_LINK, "$1the answer$2") : contentHtml;
}

export function postCard(post: PostView, session: WebSession | null, options: PostCardOptions = {}): Html {
  if (isGroupNote(post)) return activityCard(post);
  const body = html`<div class="content">${trusted(readableContent(post.contentHtml))}</div>${attachments(post, options)}`;
  return html`<article class="post" id="post-${post.id}" data-id="${post.id}">
    <a href="${actorHref(post.author)}" class="avatar-link" tabindex="-1" aria-hidden="true">${avatar(post.author)}</a>
    <header><a class="who" href="${actorHref(post.author)}">${nameOf(post.author)}</a> ${orgChip(post.author)}${levelBadge(options.levels?.get(post.author.id))}
      ${options.showGroup && post.group ? html`<span>in <a href="${actorHref(post.group)}">${nameOf(post.group)}</a></span>` : ""}
      <span>· <a href="/p/${post.id}">${when(post.publishedAt)}</a></span>${post.editedAt ? html`<span>· <a href="/p/${post.id}/history">edited</a></span>` : ""}</header>
    <div>
      ${post.title ? html`<h2>${post.title}</h2>` : ""}
      ${post.summary ? html`<details class="cw"><summary>${post.summary}</summary>${body}</details>` : body}
    </div>
    <footer>${options.votes ? "" : html`<span>${post.likeCount} like${post.likeCount === 1 ? "" : "s"}</span>`} <a href="/p/${post.id}">${post.replyCount} repl${post.replyCount === 1 ? "y" : "ies"}</a> ${actions(post, session, options)}</footer>
    ${
      options.inlineReply && session && !post.locked
        ? html`<details class="inline-reply"><summary>Reply</summary><form method="post" action="/p/${post.id}/reply" class="stack">${csrfField(session)}
          <label for="reply-${post.id}" class="visually-hidden">Reply to ${nameOf(post.author)}</label><textarea id="reply-${post.id}" name="content" required data-complete="text"></textarea>
          <div><button type="submit">Reply</button> <a href="/p/${post.id}">Open the thread</a></div></form></details>`
        : ""
    }
  </article>`;
}

/** A group's own note as a compact line: what happened, where, when. */
export function activityCard(post: PostView): Html {
  const text = post.sourceText ? firstLine(post.sourceText) : null;
  return html`<div class="activity" id="post-${post.id}" data-id="${post.id}">${avatar(post.author, "small")} ${actorLink(post.author)}
    <span>${text ?? trusted(post.contentHtml)}</span> <a href="/p/${post.id}" class="muted">${when(post.publishedAt)}</a></div>`;
}

/** The first line of a note, without the raw URLs and tags peers need but people do not. */
function firstLine(source: string): string {
  const line =
    source
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && !/^https?:\/\//.test(l) && !/^#\S+$/.test(l)) ?? "";
  return line
    .replace(/https?:\/\/\S+/g, "")
    .replace(/\s#[\w-]+/g, "")
    .trim();
}
