// A thread: the post, every reply (arriving live), a reply box, likes,
// sharing; and one post's edit form, edit history, deletion and report.
import { cursorOf, morePager } from "../list-page.ts";
import { threadPage } from "../../services/posts/thread-page.service.ts";
import { organizationName } from "../organization-names.ts";
import type { FastifyInstance } from "fastify";
import { isModerator } from "../../domain/group.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getGroup, listMyGroups } from "../../services/groups/group.service.ts";
import { mediaUrl } from "../../services/posts/media.service.ts";
import {
  createPost,
  deletePost,
  editPost,
  getPost,
  getPostHistory,
  getThread,
  likePost,
  unlikePost,
  type PostView,
} from "../../services/posts/post.service.ts";
import { reblogPost } from "../../services/posts/reblog.service.ts";
import { fileReport } from "../../services/posts/report.service.ts";
import { sharePost } from "../../services/posts/share.service.ts";
import { notFound } from "../../domain/errors.ts";
import { nameOf, postCard, refOf } from "../components.ts";
import { composer, expandLocalMentions, readComposer } from "../composer.ts";
import { html, trusted, when, type Html } from "../html.ts";
import { csrfField, securityHeaders, sendPage, sendFragment } from "../layout.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";
import { webSession, type WebSession } from "../session.ts";
import { acceptedAnswerBlock, answerControls, questionOf, registerQuestionActions } from "./question.part.ts";

const idOf = (params: unknown) => (params as { id: string }).id;

async function moderates(ctx: ServiceContext, post: PostView, session: WebSession): Promise<boolean> {
  if (!post.group) return false;
  const group = await getGroup(ctx, post.group.id, session.user.actorId).catch(() => null);
  return Boolean(group?.local && isModerator(group.membership));
}

async function requirePost(ctx: ServiceContext, id: string, session: WebSession): Promise<PostView> {
  const post = await getPost(ctx, id, session.user.actorId);
  if (!post) throw notFound("This post does not exist, or you cannot see it");
  return post;
}

export function registerPostPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  // `extra`: what a question thread adds under a post (its accepted answer, "accept this answer").
  const card = (p: PostView, session: WebSession, moderator: boolean, extra?: Html) =>
    html`<div${p.inReplyToUri ? html` class="reply"` : ""}>${postCard(p, session, { showGroup: !p.inReplyToUri, canModerate: moderator, mediaUrl: (m) => mediaUrl(ctx, m) })}${extra ?? ""}</div>`;

  routes.signedInPage("/p/:id", async (request, reply, session) => {
    const id = idOf(request.params);
    // A long thread: its first post, then the replies a hundred at a time; only the last page updates live.
    const replies = await threadPage(ctx, id, session.user.actorId, cursorOf(request.query), 100);
    const focus = replies.focus;
    const moderator = await moderates(ctx, focus, session);
    const question = replies.first ? await questionOf(ctx, replies.first.id, session.user.actorId) : null;
    const myGroups = (await listMyGroups(ctx, session.user.actorId)).filter((g) => g.actor.id !== focus.group?.id);
    const shown = replies.first ? [replies.first, ...replies.replies] : replies.replies;
    return sendPage(ctx, request, reply, {
      title: focus.title ?? `Post by ${nameOf(focus.author)}`,
      session,
      body: html`<h1>Thread</h1>
        <section aria-label="Thread"${replies.next ? "" : html` data-live="/p/${focus.id}/_live" data-after="${shown.at(-1)?.id ?? ""}" data-append="true"`}>
          ${shown.map((p, i) => card(p, session, moderator, question ? (i === 0 ? acceptedAnswerBlock(question) : answerControls(question, p.id, session)) : undefined))}
        </section>
        ${morePager(`/p/${focus.id}`, request.query as Record<string, unknown>, replies.next, "replies")}
        ${
          focus.locked && !moderator
            ? html`<p class="muted">This thread is locked: no more replies.</p>`
            : composer(session, { action: `/p/${focus.id}/reply`, label: "Reply", button: "Reply", id: "reply" })
        }
        ${
          focus.visibility === "public"
            ? html`<div class="row card">
              <form method="post" action="/p/${focus.id}/boost" class="shrink">${csrfField(session)}<button type="submit" class="secondary">Share with my followers</button></form>
              ${
                myGroups.length > 0
                  ? html`<form method="post" action="/p/${focus.id}/share" class="row">${csrfField(session)}
                    <div><label for="share-group">Share into a group</label><select id="share-group" name="group">${myGroups.map((g) => html`<option value="${refOf(g.actor)}">${g.actor.displayName ?? g.actor.username}</option>`)}</select></div>
                    <div class="shrink"><button type="submit" class="secondary">Share</button></div></form>`
                  : ""
              }
            </div>`
            : html`<p class="muted">Members-only: this post cannot be shared outside its group.</p>`
        }`,
    });
  });

  registerQuestionActions(ctx, routes);

  // Replies newer than `after`, for the thread's live list (appended below).
  fastify.get("/p/:id/_live", async (request, reply) => {
    const session = await webSession(ctx, request);
    securityHeaders(reply);
    if (!session) return reply.code(401).type("text/plain").send("Sign in");
    const after = String((request.query as Record<string, unknown>).after ?? "");
    const thread = await getThread(ctx, idOf(request.params), session.user.actorId).catch(() => [] as PostView[]);
    const fresh = thread.filter((p) => !after || p.id > after).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (fresh.length > 0) reply.header("x-newest", fresh.at(-1)!.id);
    return sendFragment(
      ctx,
      reply,
      fresh.map((p) => card(p, session, false)),
    );
  });

  routes.signedInPage("/p/:id/edit", async (request, reply, session) => {
    const post = await requirePost(ctx, idOf(request.params), session);
    return sendPage(ctx, request, reply, {
      title: "Edit post",
      session,
      body: html`<h1>Edit post</h1>
        <p class="muted">Everyone who can read it sees the new text; the earlier versions stay in its history.</p>
        ${composer(session, { action: `/p/${post.id}/edit`, label: "Text", button: "Save", id: "edit", content: post.sourceText ?? "", summary: post.summary, attachments: false })}
        <p><a href="/p/${post.id}">Cancel</a></p>`,
    });
  });

  routes.signedInPage("/p/:id/history", async (request, reply, session) => {
    const post = await requirePost(ctx, idOf(request.params), session);
    const edits = await getPostHistory(ctx, post.id, session.user.actorId);
    return sendPage(ctx, request, reply, {
      title: "Edit history",
      session,
      body: html`<h1>Edit history</h1><p><a href="/p/${post.id}">Back to the post</a></p>
        <div class="card"><p class="muted">Now${post.editedAt ? html` (edited ${when(post.editedAt)})` : ""}</p>${trusted(post.contentHtml)}</div>
        ${
          edits.length === 0
            ? html`<p class="muted">Never edited.</p>`
            : [...edits].reverse().map((e) => html`<div class="card"><p class="muted">Before ${when(e.editedAt)}</p>${trusted(e.contentHtml)}</div>`)
        }`,
    });
  });

  routes.signedInPage("/p/:id/report", async (request, reply, session) => {
    const post = await requirePost(ctx, idOf(request.params), session);
    return sendPage(ctx, request, reply, {
      title: "Report a post",
      session,
      body: html`<h1>Report a post</h1>
        ${postCard(post, null)}
        <form method="post" action="/p/${post.id}/report" class="stack card">${csrfField(session)}
          <div><label for="report-comment">What is wrong with it?</label><textarea id="report-comment" name="comment" maxlength="2000" required></textarea>
          <p class="help">The group's moderators and the administrators of ${organizationName(post.author.domain)} read your report.</p></div>
          <div><button type="submit">Send report</button> <a href="/p/${post.id}">Cancel</a></div>
        </form>`,
    });
  });

  routes.action("/p/:id/reply", async (request, session, body) => {
    await createPost(ctx, session.user.username, { ...(await readComposer(ctx, session, body)), inReplyTo: idOf(request.params) });
    return { done: "Replied." };
  });
  routes.action("/p/:id/edit", async (request, session, body) => {
    const post = await editPost(ctx, session.user.username, idOf(request.params), {
      content: await expandLocalMentions(ctx, field(body, "content")),
      summary: field(body, "summary"),
      format: "markdown",
    });
    return { done: "Saved. The earlier text is in the post's history.", to: `/p/${post.id}` };
  });
  routes.action("/p/:id/delete", async (request, session) => {
    const post = await requirePost(ctx, idOf(request.params), session);
    await deletePost(ctx, session.user.username, post.id);
    const to = post.group ? `/g/${encodeURIComponent(refOf(post.group))}` : "/";
    return { done: post.author.id === session.user.actorId ? "Post deleted." : "Post removed from the group.", to };
  });
  routes.action("/p/:id/report", async (request, session, body) => {
    const id = idOf(request.params);
    await fileReport(ctx, session.user.username, { postIds: [id], comment: optionalField(body, "comment") });
    return { done: "Report sent to the moderators. Thank you.", to: `/p/${id}` };
  });
  routes.action("/p/:id/boost", async (request, session) => {
    await reblogPost(ctx, session.user.username, idOf(request.params));
    return { done: "Shared with your followers." };
  });
  routes.action("/p/:id/share", async (request, session, body) => {
    await sharePost(ctx, session.user.username, idOf(request.params), field(body, "group"));
    return { done: "Shared into the group." };
  });
  routes.action("/p/:id/like", async (request, session) => {
    await likePost(ctx, session.user.username, idOf(request.params));
    return { done: "Liked." };
  });
  routes.action("/p/:id/unlike", async (request, session) => {
    await unlikePost(ctx, session.user.username, idOf(request.params));
    return { done: "Like withdrawn." };
  });
}
