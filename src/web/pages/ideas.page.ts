// Idea boards: propose, vote, rank by votes or momentum, search; an idea's
// page shows its answer and the history of its statuses, and lets the
// owning group's moderators answer.
import { cursorOf, morePager } from "../list-page.ts";
import type { ServiceContext } from "../../services/context.ts";
import { groupViewOf } from "../../services/groups/group.service.ts";
import { resolveGroupAccess } from "../../services/groups/group-access.ts";
import { answerIdea, getIdea, ideaBoardOf, proposeIdea, voteForIdea } from "../../services/ideas/idea.service.ts";
import { IDEA_STATUSES } from "../../domain/idea.rules.ts";
import { isModerator } from "../../domain/group.rules.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { emptyNote, postCard, refOf } from "../components.ts";
import { html, when } from "../html.ts";
import { csrfField, sendPage } from "../layout.ts";
import { field, optionalField, type WebRoutes } from "../routes.ts";
import { groupPath, groupTabs, refParam } from "./group.page.ts";

const idOf = (params: unknown) => (params as { id: string }).id;
const label = (status: string) => status.replace(/_/g, " ");

export function registerIdeaPages(ctx: ServiceContext, routes: WebRoutes): void {
  routes.signedInPage("/g/:ref/ideas", async (request, reply, session) => {
    const ref = refParam(request);
    const query = request.query as Record<string, string | undefined>;
    const sort = query.sort === "momentum" ? "momentum" : "top";
    // The group and the viewer's rights, resolved once for the whole board.
    const access = await resolveGroupAccess(ctx, ref, session.user.actorId);
    const group = groupViewOf(access);
    const status = IDEA_STATUSES.includes(query.status as never) ? query.status : undefined;
    const ideas = await ideaBoardOf(ctx, access, { sort, search: query.q, status, after: cursorOf(query) });
    // Which of these I voted for, in one batch.
    const voted = new Set(
      (
        await getPostEntries(
          ctx,
          session.user.actorId,
          ideas.items.map((i) => i.id),
        )
      )
        .filter((e) => e.likedByViewer)
        .map((e) => e.post.id),
    );
    const link = (params: Record<string, string | undefined>) => {
      const merged = new URLSearchParams();
      for (const [k, v] of Object.entries({ sort, status, q: query.q, ...params })) if (v) merged.set(k, v);
      return groupPath(ref, `/ideas?${merged.toString()}`);
    };
    const sortLink = (key: string, text: string) => html`<a href="${link({ sort: key })}"${sort === key ? html` aria-current="page"` : ""}>${text}</a>`;
    return sendPage(ctx, request, reply, {
      title: `Ideas of ${group.actor.username}`,
      session,
      section: "groups",
      body: html`${groupTabs(ref, group, "ideas")}
        <div class="row">
          <nav class="tabs" aria-label="Sort ideas">${sortLink("top", "Top")} ${sortLink("momentum", "Rising")}</nav>
          <form method="get" action="${groupPath(ref, "/ideas")}" class="row" role="search"><input type="hidden" name="sort" value="${sort}">
            <div><label for="idea-status">Status</label><select id="idea-status" name="status"><option value="">Any</option>${IDEA_STATUSES.map((st) => html`<option value="${st}"${st === status ? html` selected` : ""}>${label(st)}</option>`)}</select></div>
            <div><label for="idea-search">Search ideas</label><input id="idea-search" name="q" type="search" value="${query.q ?? ""}"></div><div class="shrink"><button type="submit" class="secondary">Show</button></div></form>
        </div>
        ${
          ideas.items.length === 0
            ? emptyNote(status || query.q ? "No idea matches." : "No ideas yet.")
            : ideas.items.map((i) => {
                const mine = voted.has(i.id);
                return html`<div class="card idea${mine ? " voted" : ""}"><div class="votes" aria-label="${i.votes} votes">${i.votes}</div>
                <div><h2><a href="/ideas/${i.id}">${i.title ?? "Untitled idea"}</a></h2>
                <p><span class="badge">${label(i.status)}</span>${i.reason ? html` ${i.reason}` : ""}</p>
                <form method="post" action="/ideas/${i.id}/${mine ? "unvote" : "vote"}" class="inline">${csrfField(session)}<button type="submit" class="secondary" aria-pressed="${mine ? "true" : "false"}">${mine ? "✓ Voted · withdraw" : "Vote"}</button></form></div></div>`;
              })
        }
        ${morePager(groupPath(ref, "/ideas"), query, ideas.next, "ideas")}
        <h2>Propose an idea</h2>
        <form method="post" action="${groupPath(ref, "/ideas")}" class="stack card">${csrfField(session)}
          <div><label for="idea-title">Title</label><input id="idea-title" name="title" type="text" required></div>
          <div><label for="idea-content">What and why</label><textarea id="idea-content" name="content" required></textarea></div>
          <div><button type="submit">Propose</button></div>
        </form>`,
    });
  });

  routes.action("/g/:ref/ideas", async (request, session, body) => {
    const idea = await proposeIdea(ctx, session.user.username, refParam(request), { title: field(body, "title"), content: field(body, "content") });
    return { done: "Idea proposed.", to: `/ideas/${idea.post.id}` };
  });

  routes.signedInPage("/ideas/:id", async (request, reply, session) => {
    const idea = await getIdea(ctx, idOf(request.params), session.user.actorId);
    const access = idea.post.group ? await resolveGroupAccess(ctx, idea.post.group.id, session.user.actorId) : null;
    const group = access ? groupViewOf(access) : null;
    const canAnswer = Boolean(group?.local && isModerator(group.membership));
    // The ideas it could duplicate: the board's top ideas (most duplicates are of a popular one).
    const others = canAnswer && access ? (await ideaBoardOf(ctx, access, { sort: "top", size: 200 })).items.filter((o) => o.id !== idea.post.id) : [];
    return sendPage(ctx, request, reply, {
      title: idea.post.title ?? "Idea",
      session,
      section: "groups",
      body: html`${group ? html`<p><a href="${groupPath(refOf(group.actor), "/ideas")}">← ideas of ${group.actor.displayName ?? group.actor.username}</a></p>` : ""}
        <h1>${idea.post.title ?? "Idea"}</h1>
        <p><span class="badge">${label(idea.status)}</span> ${idea.votes} vote${idea.votes === 1 ? "" : "s"}${idea.post.likedByMe ? html` · <strong>you voted for it</strong>` : ""}</p>
        ${idea.reason ? html`<p class="card"><strong>Answer:</strong> ${idea.reason}</p>` : ""}
        ${postCard(idea.post, session, { votes: true })}
        <form method="post" action="/ideas/${idea.post.id}/${idea.post.likedByMe ? "unvote" : "vote"}" class="inline">${csrfField(session)}<button type="submit">${idea.post.likedByMe ? "Withdraw my vote" : "Vote for this idea"}</button></form>
        <h2>Status history</h2>
        ${idea.history.length === 0 ? emptyNote("Not answered yet.") : html`<ol>${idea.history.map((h) => html`<li>${when(h.at)} <strong>${label(h.status)}</strong>${h.reason ? html` — ${h.reason}` : ""}</li>`)}</ol>`}
        ${
          canAnswer
            ? html`<h2>Answer</h2><form method="post" action="/ideas/${idea.post.id}/answer" class="stack card">${csrfField(session)}
              <div><label for="answer-status">Status</label><select id="answer-status" name="status">${IDEA_STATUSES.filter((s) => s !== "open").map((s) => html`<option value="${s}">${label(s)}</option>`)}</select></div>
              <div><label for="answer-reason">Reason (everyone who voted will read it)</label><textarea id="answer-reason" name="reason"></textarea></div>
              <div><label for="answer-duplicate">Which idea it duplicates (for a duplicate)</label><select id="answer-duplicate" name="duplicateOf"><option value="">—</option>${others.map((o) => html`<option value="${o.id}">${o.title ?? "Untitled idea"} (${o.votes} vote${o.votes === 1 ? "" : "s"})</option>`)}</select></div>
              <div><button type="submit">Answer</button></div></form>`
            : ""
        }`,
    });
  });

  routes.action("/ideas/:id/vote", async (request, session) => {
    await voteForIdea(ctx, session.user.username, idOf(request.params), true);
    return { done: "Vote counted." };
  });
  routes.action("/ideas/:id/unvote", async (request, session) => {
    await voteForIdea(ctx, session.user.username, idOf(request.params), false);
    return { done: "Vote withdrawn." };
  });
  routes.action("/ideas/:id/answer", async (request, session, body) => {
    const idea = await answerIdea(ctx, session.user.username, idOf(request.params), {
      status: field(body, "status"),
      reason: optionalField(body, "reason"),
      duplicateOf: optionalField(body, "duplicateOf"),
    });
    return { done: `Answered: ${label(idea.status)}. Every voter is told.` };
  });
}
