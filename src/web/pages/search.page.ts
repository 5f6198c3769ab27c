// Search across what the viewer may see (people, groups, posts, tasks,
// ideas) at /search?q=, and one hashtag's posts at /tags/:tag.
import type { ServiceContext } from "../../services/context.ts";
import { mediaUrl } from "../../services/posts/media.service.ts";
import { searchGroups, searchPeople, searchPosts, searchTasks } from "../../services/posts/search.service.ts";
import { toPostView } from "../../services/posts/post.service.ts";
import { getTagTimeline } from "../../services/posts/timeline.service.ts";
import { IDEA_TAG } from "../../domain/idea.rules.ts";
import { beforeOf, emptyNote, isGroupNote, pager, personLine, postCard, taskActivity } from "../components.ts";
import { html } from "../html.ts";
import { sendPage } from "../layout.ts";
import type { WebRoutes } from "../routes.ts";

const PAGE = 20;
/** The overview shows a few of each kind; "All … matching" shows up to ALL of one. */
const FEW = 10;
const ALL = 100;
const ONLY = ["people", "groups", "tasks"] as const;

export function registerSearchPages(ctx: ServiceContext, routes: WebRoutes): void {
  const options = { showGroup: true, mediaUrl: (m: Parameters<typeof mediaUrl>[1]) => mediaUrl(ctx, m) };

  routes.signedInPage("/search", async (request, reply, session) => {
    const q = String((request.query as Record<string, unknown>).q ?? "")
      .trim()
      .slice(0, 200);
    const before = beforeOf(request.query);
    const viewer = session.user.actorId;
    // "All people matching": one kind alone, with room for many more than the overview's few.
    const raw = (request.query as Record<string, unknown>).in;
    const only = typeof raw === "string" && (ONLY as readonly string[]).includes(raw) ? (raw as (typeof ONLY)[number]) : null;
    const limit = (kind: (typeof ONLY)[number]) => (only === kind ? ALL : FEW);
    const wants = (kind: (typeof ONLY)[number]) => !before && (only === null || only === kind);
    const [people, groups, posts, tasks] = q
      ? await Promise.all([
          wants("people") ? searchPeople(ctx, q, limit("people")) : [],
          wants("groups") ? searchGroups(ctx, viewer, q, limit("groups")) : [],
          only ? { items: [], nextBefore: null } : searchPosts(ctx, viewer, q, { before, limit: PAGE }),
          wants("tasks") ? searchTasks(ctx, viewer, q, limit("tasks")) : [],
        ])
      : [[], [], { items: [], nextBefore: null }, []];
    const all = (kind: (typeof ONLY)[number], found: number) =>
      !only && found === FEW ? html` <a href="/search?${new URLSearchParams({ q, in: kind }).toString()}" class="more">All ${kind} matching</a>` : "";
    const ideas = posts.items.filter((p) => p.tags.includes(IDEA_TAG));
    // A group's own task notes are found as tasks, not again as posts.
    const others = posts.items.filter((p) => !p.tags.includes(IDEA_TAG) && !isGroupNote(p));
    const nothing = people.length + groups.length + tasks.length + ideas.length + others.length === 0;
    const count = (n: number) => html`<span class="muted">${n}</span>`;
    return sendPage(ctx, request, reply, {
      title: q ? `Search: ${q}` : "Search",
      session,
      body: html`<h1>Search</h1>
        <form method="get" action="/search" role="search" class="row card"><div><label for="search-q">People, groups, posts, tasks and ideas</label><input id="search-q" name="q" type="search" value="${q}" required></div><div class="shrink"><button type="submit">Search</button></div></form>
        ${
          !q
            ? emptyNote("Type a few words, a name, or a #tag.")
            : html`<div class="results">
            ${nothing ? emptyNote(before ? "Nothing older." : `Nothing you can see matches “${q}”.`) : ""}
            ${people.length > 0 ? html`<h2>People ${count(people.length)}${all("people", people.length)}</h2><ul>${people.map((p) => html`<li>${personLine(p)}</li>`)}</ul>` : ""}
            ${groups.length > 0 ? html`<h2>Groups ${count(groups.length)}${all("groups", groups.length)}</h2><ul>${groups.map((g) => html`<li>${personLine(g.actor)}</li>`)}</ul>` : ""}
            ${tasks.length > 0 ? html`<h2>Tasks ${count(tasks.length)}${all("tasks", tasks.length)}</h2>${tasks.map(taskActivity)}` : ""}
            ${ideas.length > 0 ? html`<h2>Ideas ${count(ideas.length)}</h2>${ideas.map((p) => html`<p class="activity"><a href="/ideas/${p.id}">${p.title ?? "Untitled idea"}</a> <span class="muted">in ${p.group?.displayName ?? p.group?.username ?? ""}</span></p>`)}` : ""}
            ${others.length > 0 ? html`<h2>Posts ${count(others.length)}</h2>${others.map((p) => postCard(p, session, options))}` : ""}
            ${pager("/search", { q }, posts.nextBefore, before)}
          </div>`
        }`,
    });
  });

  routes.signedInPage("/tags/:tag", async (request, reply, session) => {
    const tag = (request.params as { tag: string }).tag.toLowerCase();
    const before = beforeOf(request.query);
    const rows = await getTagTimeline(ctx, session.user.actorId, tag, { limit: PAGE, maxId: before });
    const posts = rows.map(toPostView);
    return sendPage(ctx, request, reply, {
      title: `#${tag}`,
      session,
      body: html`<h1>#${tag}</h1>
        ${posts.length === 0 ? emptyNote(before ? "Nothing older." : "No post you can read has this tag.") : posts.map((p) => postCard(p, session, options))}
        ${pager(`/tags/${encodeURIComponent(tag)}`, {}, rows.length === PAGE ? rows[rows.length - 1]!.post.id : null, before)}`,
    });
  });
}
