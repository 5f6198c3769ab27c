// A thread: the post, every reply, a reply box, likes.
import type { ServiceContext } from "../../services/context.ts";
import { createPost, getThread, likePost, unlikePost } from "../../services/post.service.ts";
import { postCard } from "../components.ts";
import { html } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";

const idOf = (params: unknown) => (params as { id: string }).id;

export function registerPostPages(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/p/:id", async (request, reply, session) => {
    const id = idOf(request.params);
    const thread = await getThread(ctx, id, session.user.actorId);
    const focus = thread.find((p) => p.id === id) ?? thread[0]!;
    return sendPage(ctx, request, reply, {
      title: focus.title ?? `Post by ${focus.author.username}`,
      session,
      body: html`<h1>Thread</h1>
        ${thread.map((p) => html`<div${p.inReplyToUri ? html` class="reply"` : ""}>${postCard(p, session, { showGroup: !p.inReplyToUri })}</div>`)}
        <form method="post" action="/p/${focus.id}/reply" class="stack card">${csrfField(session)}
          <div><label for="reply">Reply</label><textarea id="reply" name="content" required></textarea></div>
          <div><button type="submit">Reply</button></div>
        </form>`,
    });
  });

  routes.action("/p/:id/reply", async (request, session, body) => {
    await createPost(ctx, session.user.username, { inReplyTo: idOf(request.params), content: field(body, "content") });
    return { done: "Replied." };
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
