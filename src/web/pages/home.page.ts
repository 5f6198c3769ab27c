// The start page: for visitors, what this instance is and how to sign in; for
// members, their feed (their groups and the people they follow), updated live.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { listMyGroups } from "../../services/groups/group.service.ts";
import { createPost, toPostView } from "../../services/posts/post.service.ts";
import { getHomeItems, type HomeItem } from "../../services/posts/timeline.service.ts";
import { mediaUrl } from "../../services/posts/media.service.ts";
import { beforeOf, emptyNote, pager, postCard, refOf } from "../components.ts";
import { composer, readComposer } from "../composer.ts";
import { html, type Html } from "../html.ts";
import { securityHeaders, sendPage, sendFragment } from "../layout.ts";
import { optionalField, type WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";
import { webSession } from "../session.ts";
import { signInForm } from "./auth.page.ts";

const PAGE = 30;

const calm = (item: HomeItem) => item.entry.author.type !== "Group";

function feedItem(ctx: ServiceContext, item: HomeItem, session: WebSession): Html {
  const card = postCard(toPostView(item.entry), session, { showGroup: true, inlineReply: true, mediaUrl: (m) => mediaUrl(ctx, m) });
  if (item.kind === "post") return card;
  return html`<div><p class="muted">Shared by ${item.by.name ?? item.by.username}</p>${card}</div>`;
}

export function registerHomePages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  routes.page("/", async (request, reply, session) => {
    if (!session) {
      return sendPage(ctx, request, reply, {
        title: "Welcome",
        session,
        section: "home",
        body: html`<h1>${ctx.instanceName}</h1>
          <p>An Ecotone instance: groups, posts, shared tasks and idea boards that reach across companies over ActivityPub.</p>
          ${signInForm(ctx, reply, request, "/")}`,
      });
    }
    const before = beforeOf(request.query);
    const raw = await getHomeItems(ctx, session.user.actorId, { limit: PAGE, maxId: before });
    // Notes a group writes by itself (task and idea status) stay in their group, as activity.
    const items = raw.filter(calm);
    const groups = await listMyGroups(ctx, session.user.actorId);
    return sendPage(ctx, request, reply, {
      title: "Home",
      session,
      section: "home",
      // The composer's list of groups is the sidebar's too: read once.
      myGroups: groups,
      body: html`<h1>Home</h1>
        ${before ? "" : composer(session, { action: "/posts", label: "What is new?", button: "Post", id: "compose", groups })}
        <h2>Your feed</h2>
        <section aria-label="Feed"${before ? "" : html` data-live="/_live/home" data-after="${raw[0]?.id ?? ""}"`}>
          ${items.length === 0 ? emptyNote(before ? "Nothing older." : "Nothing yet: join a group or follow someone.") : items.map((i) => feedItem(ctx, i, session))}
        </section>
        ${pager("/", {}, raw.length === PAGE ? raw[raw.length - 1]!.id : null, before)}`,
    });
  });

  // New feed items since `after`, as HTML for the page's live list.
  fastify.get("/_live/home", async (request, reply) => {
    const session = await webSession(ctx, request);
    securityHeaders(reply);
    if (!session) return reply.code(401).type("text/plain").send("Sign in");
    const after = String((request.query as Record<string, unknown>).after ?? "");
    const items = await getHomeItems(ctx, session.user.actorId, { limit: 20, ...(after ? { sinceId: after } : {}) });
    const fresh = items.filter((i) => !after || i.id > after);
    if (fresh[0]) reply.header("x-newest", fresh[0].id);
    return sendFragment(
      ctx,
      reply,
      fresh.filter(calm).map((i) => feedItem(ctx, i, session)),
    );
  });

  routes.action("/posts", async (_request, session, body) => {
    const post = await createPost(ctx, session.user.username, { ...(await readComposer(ctx, session, body)), group: optionalField(body, "group") });
    return { done: "Posted.", to: post.group ? `/g/${encodeURIComponent(refOf(post.group))}` : "/" };
  });
}
