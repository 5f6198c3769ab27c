// My notifications: what happened, in words that say what it was (a reply,
// an assignment, a task moved, an idea answered, a vote…), newest first, the
// unread ones marked, "Older" and "Mark all read", new ones arriving live.
//
// Stored types stay the ones Mastodon apps know (mention, favourite…); the
// kind shown here is read from the post they point at, so both doors agree.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getActorById, toActorView, type ActorView } from "../../services/accounts/actor.service.ts";
import { getNotifications, lastReadNotificationId, markAllNotificationsRead } from "../../services/notification.service.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { toPostView, type PostView } from "../../services/posts/post.service.ts";
import { IDEA_TAG, STATUS_TAG_PREFIX } from "../../domain/idea.rules.ts";
import { readTaskNote } from "../../domain/task-note.ts";
import { avatar, beforeOf, emptyNote, isGroupNote, nameOf, pager, personInWords, plural, postCard, refOf } from "../components.ts";
import { html, when, type Html } from "../html.ts";
import { csrfField, securityHeaders, sendPage, sendFragment } from "../layout.ts";
import type { WebRoutes } from "../routes.ts";
import { webSession, type WebSession } from "../session.ts";

const PAGE = 30;

interface Item {
  id: string;
  type: string;
  createdAt: Date;
  from: ActorView;
  /** Others who did the same to the same post (likes, votes, shares), shown as one line. */
  others: ActorView[];
  post: PostView | null;
  /** The group a join request is for. */
  group: ActorView | null;
}

const GROUPED = new Set(["favourite", "reblog"]);

/** "Olga and 2 others liked your post": likes, votes and shares of one post become one item. */
function grouped(items: Item[]): Item[] {
  const out: Item[] = [];
  const byKey = new Map<string, Item>();
  for (const item of items) {
    const key = item.post && GROUPED.has(item.type) ? `${item.type}:${item.post.id}` : null;
    const first = key ? byKey.get(key) : undefined;
    if (first) {
      if (!first.others.some((o) => o.id === item.from.id) && first.from.id !== item.from.id) first.others.push(item.from);
      continue;
    }
    if (key) byKey.set(key, item);
    out.push(item);
  }
  return out;
}

/** What the notification was, in words, from its stored type and the post it concerns. */
export function notificationText(item: Item): string {
  const post = item.post;
  switch (item.type) {
    case "favourite":
      return post?.tags.includes(IDEA_TAG) ? "voted for your idea" : "liked your post";
    case "mention": {
      if (post && isGroupNote(post)) {
        if (post.tags.some((t) => t.startsWith(STATUS_TAG_PREFIX))) return "answered an idea you proposed or voted for";
        const note = readTaskNote(post.sourceText ?? "");
        if (note?.kind === "moved") return `moved a task: ${note.detail}`;
        if (note) return `gave you a task: ${note.detail}`;
        return "updated a task";
      }
      if (post?.inReplyToUri) return "replied";
      return "mentioned you";
    }
    case "follow":
      return "followed you";
    case "follow_request":
      return "asked to follow you";
    case "reblog":
      return "shared your post";
    case "status":
      return "posted";
    case "update":
      return "edited a post";
    case "join_request":
      return `asked to join ${item.group ? nameOf(item.group) : "a group you moderate"}`;
    default:
      return item.type.replace(/_/g, " ");
  }
}

async function load(
  ctx: ServiceContext,
  actorId: string,
  bounds: { maxId?: string | undefined; sinceId?: string | undefined },
): Promise<{ items: Item[]; rawCount: number; lastId: string | null }> {
  const rows = await getNotifications(ctx, actorId, {
    limit: PAGE,
    ...(bounds.maxId ? { maxId: bounds.maxId } : {}),
    ...(bounds.sinceId ? { sinceId: bounds.sinceId } : {}),
  });
  const posts = new Map(
    (await getPostEntries(ctx, actorId, [...new Set(rows.map((r) => r.post_id).filter((id): id is string => id !== null))])).map((e) => [
      e.post.id,
      toPostView(e),
    ]),
  );
  const items: Item[] = [];
  for (const n of rows) {
    const from = await getActorById(ctx, n.from_id);
    // A notification about a post I may no longer read is not shown.
    if (!from || (n.post_id && !posts.has(n.post_id))) continue;
    const group = n.group_id ? await getActorById(ctx, n.group_id) : null;
    items.push({
      id: n.id,
      type: n.type,
      createdAt: n.created_at,
      from: toActorView(from),
      others: [],
      post: n.post_id ? posts.get(n.post_id)! : null,
      group: group ? toActorView(group) : null,
    });
  }
  return { items: grouped(items), rawCount: rows.length, lastId: rows.at(-1)?.id ?? null };
}

function itemCard(item: Item, session: WebSession, lastRead: string | null): Html {
  const unread = !lastRead || item.id > lastRead;
  return html`<div class="card notification${unread ? " unread" : ""}" data-id="${item.id}">${avatar(item.from)}
    <div><p class="what"><strong>${personInWords(item.from)}</strong>${item.others.length > 0 ? ` and ${plural(item.others.length, "other", "others")}` : ""} ${notificationText(item)} · ${when(item.createdAt)}${unread ? html` <span class="badge">new</span>` : ""}</p>
    ${item.post ? postCard(item.post, session, { showGroup: true }) : ""}
    ${item.type === "join_request" && item.group ? html`<p><a href="/g/${encodeURIComponent(refOf(item.group))}/members">Answer the request</a></p>` : ""}</div></div>`;
}

export function registerNotificationPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/notifications", async (request, reply, session) => {
    const before = beforeOf(request.query);
    const [page, lastRead] = await Promise.all([load(ctx, session.user.actorId, { maxId: before }), lastReadNotificationId(ctx, session.user.actorId)]);
    const unread = page.items.some((i) => !lastRead || i.id > lastRead);
    return sendPage(ctx, request, reply, {
      title: "Notifications",
      session,
      section: "notifications",
      body: html`<div class="page-head"><h1>Notifications</h1>
          ${unread ? html`<form method="post" action="/notifications/read" class="inline">${csrfField(session)}<button type="submit" class="secondary">Mark all read</button></form>` : ""}</div>
        <section aria-label="Notifications"${before ? "" : html` data-live="/notifications/_live" data-after="${page.items[0]?.id ?? ""}"`}>
        ${page.items.length === 0 ? emptyNote(before ? "Nothing older." : "Nothing new.") : page.items.map((i) => itemCard(i, session, lastRead))}
        </section>
        ${pager("/notifications", {}, page.rawCount === PAGE ? page.lastId : null, before)}`,
    });
  });

  fastify.get("/notifications/_live", async (request, reply) => {
    const session = await webSession(ctx, request);
    securityHeaders(reply);
    if (!session) return reply.code(401).type("text/plain").send("Sign in");
    const after = String((request.query as Record<string, unknown>).after ?? "");
    const page = await load(ctx, session.user.actorId, { sinceId: /^\d+$/.test(after) ? after : undefined });
    const lastRead = await lastReadNotificationId(ctx, session.user.actorId);
    if (page.items[0]) reply.header("x-newest", page.items[0].id);
    return sendFragment(
      ctx,
      reply,
      page.items.map((i) => itemCard(i, session, lastRead)),
    );
  });

  routes.action("/notifications/read", async (_request, session) => {
    await markAllNotificationsRead(ctx, session.user.actorId);
    return { done: "All notifications marked read.", to: "/notifications" };
  });
}
