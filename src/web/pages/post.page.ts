// A thread: the post, every reply, a reply box, likes.
import type { ServiceContext } from "../../services/context.ts";
import { listGroups } from "../../services/group.service.ts";
import { createPost, getThread, likePost, unlikePost } from "../../services/post.service.ts";
import { reblogPost } from "../../services/reblog.service.ts";
import { sharePost } from "../../services/share.service.ts";
import { postCard, refOf } from "../components.ts";
import { html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import { acceptedAnswerBlock, answerControls, questionOf, registerQuestionActions } from "./question.part.ts";

const idOf = (params: unknown) => (params as { id: string }).id;

export function registerPostPages(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/p/:id", async (request, reply, session) => {
    const id = idOf(request.params);
    const thread = await getThread(ctx, id, session.user.actorId);
    const focus = thread.find((p) => p.id === id) ?? thread[0]!;
    const question = thread[0] ? await questionOf(ctx, thread[0].id, session.user.actorId) : null;
    const myGroups = (await listGroups(ctx, session.user.actorId)).filter(
      (g) => g.membership?.state === "accepted" && g.actor.id !== focus.group?.id,
    );
    return sendPage(ctx, request, reply, {
      title: focus.title ?? `Post by ${focus.author.username}`,
      session,
      body: html`<h1>Thread</h1>
        ${thread.map((p, i) => html`<div${p.inReplyToUri ? html` class="reply"` : ""}>${postCard(p, session, { showGroup: !p.inReplyToUri })}${question ? (i === 0 ? acceptedAnswerBlock(question) : answerControls(question, p.id, session)) : ""}</div>`)}
        <form method="post" action="/p/${focus.id}/reply" class="stack card">${csrfField(session)}
          <div><label for="reply">Reply</label><textarea id="reply" name="content" required></textarea></div>
          <div><button type="submit">Reply</button></div>
        </form>
        ${focus.visibility === "public"
          ? html`<div class="row card">
              <form method="post" action="/p/${focus.id}/boost">${csrfField(session)}<button type="submit" class="secondary">Share with my followers</button></form>
              ${myGroups.length > 0
                ? html`<form method="post" action="/p/${focus.id}/share" class="row">${csrfField(session)}
                    <div><label for="share-group">Share into a group</label><select id="share-group" name="group">${myGroups.map((g) => html`<option value="${refOf(g.actor)}">${g.actor.displayName ?? g.actor.username}</option>`)}</select></div>
                    <div><button type="submit" class="secondary">Share</button></div></form>`
                : ""}
            </div>`
          : html`<p class="muted">Members-only: this post cannot be shared outside its group.</p>`}`,
    });
  });

  registerQuestionActions(ctx, routes);
  routes.action("/p/:id/reply", async (request, session, body) => {
    await createPost(ctx, session.user.username, { inReplyTo: idOf(request.params), content: field(body, "content") });
    return { done: "Replied." };
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
