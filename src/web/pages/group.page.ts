// One group: what it is about, joining and leaving, its posts (updated live),
// writing in it, its members and join requests, and invitations.
import { organizationName } from "../organization-names.ts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import {
  approveJoinRequest,
  groupViewOf,
  inviteToGroup,
  joinGroup,
  leaveGroup,
  rejectJoinRequest,
  type GroupView,
} from "../../services/groups/group.service.ts";
import { ownerCount, pageMembersOf } from "../../services/groups/member-list.service.ts";
import { createPost, groupTimeline, groupTimelineOf, type PostView } from "../../services/posts/post.service.ts";
import { resolveGroupAccess } from "../../services/groups/group-access.ts";
import { askQuestion } from "../../services/ideas/question.service.ts";
import { similarQuestionsBox } from "./similar-questions.part.ts";
import { cursorOf, LIST_PAGE, morePager } from "../list-page.ts";
import { GROUP_TABS, INSIGHT_GROUP_TABS, tabRow } from "../nav.ts";
import { isMember, isModerator } from "../../domain/group.rules.ts";
import { maySeeGroupInsights } from "../../domain/insight.rules.ts";
import { mediaUrl } from "../../services/posts/media.service.ts";
import { taskBoardOf } from "../../services/tasks/task.service.ts";
import { actorLink, beforeOf, emptyNote, isGroupNote, pager, personLine, postCard, taskActivity, withArticle } from "../components.ts";
import { composer, readComposer } from "../composer.ts";
import { html, trusted, type Html } from "../html.ts";
import { companiesSection } from "../organizations.components.ts";
import { groupSettingsForm, registerGroupSettingsAction } from "./group-settings.part.ts";
import { csrfField, securityHeaders, sendPage, sendFragment } from "../layout.ts";
import { field, type WebRoutes } from "../routes.ts";
import { webSession, type WebSession } from "../session.ts";
import { statedGroupLevels } from "../../services/insights/reputation.service.ts";

export function refParam(request: FastifyRequest): string {
  return (request.params as { ref: string }).ref;
}

export function groupPath(ref: string, rest = ""): string {
  return `/g/${encodeURIComponent(ref)}${rest}`;
}

export function groupTabs(ref: string, group: GroupView, active: string): Html {
  return html`<h1>${group.actor.displayName ?? group.actor.username} <span class="muted handle">${group.actor.handle}</span></h1>
    ${tabRow("Group", maySeeGroupInsights(group.visibility, group.membership, group.membersSeeInsights) ? INSIGHT_GROUP_TABS : GROUP_TABS, active, (t) => groupPath(ref, t.href))}`;
}

const PAGE = 20;

function topLevel(posts: PostView[]): PostView[] {
  return posts.filter((p) => !p.inReplyToUri);
}

function membershipBox(ref: string, group: GroupView, session: WebSession, owners: number): Html {
  const m = group.membership;
  if (m && isMember(m)) {
    // The last owner cannot leave: the group would have nobody to run it.
    const canLeave = m.role !== "owner" || owners > 1;
    return html`<div class="row"><p>You are ${withArticle(m.role)} of this group.</p>
      ${
        canLeave
          ? html`<form method="post" action="${groupPath(ref, "/leave")}" data-confirm="Leave this group?" class="shrink">${csrfField(session)}<button type="submit" class="secondary">Leave</button></form>`
          : html`<p class="muted">Make someone else an owner before you can leave.</p>`
      }</div>`;
  }
  if (m?.state === "pending") return html`<p>Your request to join is waiting for a moderator.</p>`;
  const label = group.joinPolicy === "approval" ? "Ask to join" : "Join";
  return html`<form method="post" action="${groupPath(ref, "/join")}" class="inline">${csrfField(session)}<button type="submit">${label}</button></form>`;
}

function describe(group: GroupView): string {
  if (!group.local) return `a group of ${organizationName(group.actor.domain)}`;
  const join = group.joinPolicy === "open" ? "anyone can join" : group.joinPolicy === "approval" ? "joining needs approval" : "by invitation";
  return `${group.visibility.replace("_", " ")} group · ${join}`;
}

export function registerGroupPages(fastify: FastifyInstance, ctx: ServiceContext, routes: WebRoutes): void {
  const cardOptions = (moderator: boolean) => ({ canModerate: moderator, inlineReply: true, mediaUrl: (m: PostView["media"][number]) => mediaUrl(ctx, m) });

  routes.signedInPage("/g/:ref", async (request, reply, session) => {
    const ref = refParam(request);
    const before = beforeOf(request.query);
    // The group and the viewer's rights, resolved once for everything this page shows.
    const access = await resolveGroupAccess(ctx, ref, session.user.actorId);
    const group = groupViewOf(access);
    const member = isMember(group.membership);
    const moderator = member && isModerator({ state: "accepted", role: group.membership!.role });
    const hidden = !access.may.content;
    const page: { items: PostView[]; nextCursor: string | null } = hidden
      ? { items: [], nextCursor: null }
      : await groupTimelineOf(ctx, access, before ?? null, PAGE);
    const posts = topLevel(page.items).filter((p) => !isGroupNote(p));
    const levels = await statedGroupLevels(
      ctx,
      group.actor.id,
      posts.map((p) => p.author),
    );
    const owners = member && group.membership!.role === "owner" ? await ownerCount(ctx, group.id) : 0;
    // Task activity: the most recently changed tasks, one line each, instead of bot notes.
    const tasks = hidden || before ? [] : (await taskBoardOf(ctx, access, {})).tasks;
    const recent = [...tasks].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).slice(0, 5);
    return sendPage(ctx, request, reply, {
      title: group.actor.displayName ?? group.actor.username,
      session,
      section: "groups",
      body: html`${groupTabs(ref, group, "posts")}
        ${group.actor.summary ? (group.local ? html`<p>${group.actor.summary}</p>` : html`<div class="summary">${trusted(group.actor.summary)}</div>`) : ""}
        <p class="muted">${describe(group)}</p>
        ${membershipBox(ref, group, session, owners)}
        ${before ? "" : await companiesSection(ctx, access)}
        ${
          member && !before
            ? composer(session, {
                action: groupPath(ref, "/posts"),
                label: "Write in this group",
                button: "Post",
                id: "group-post",
                extra: group.questionsEnabled
                  ? html`<div><input id="group-post-question" type="checkbox" name="kind" value="question"> <label for="group-post-question" class="inline-label">Ask as a question (answers can be accepted)</label></div>${similarQuestionsBox(ref, "group-post")}`
                  : undefined,
              })
            : ""
        }
        ${recent.length > 0 ? html`<h2>Task activity</h2>${recent.map(taskActivity)}<p><a href="${groupPath(ref, "/tasks")}">The whole board</a></p>` : ""}
        <h2>Posts</h2>
        ${
          hidden
            ? emptyNote("Only members can read this group's posts.")
            : html`<section aria-label="Posts"${before ? "" : html` data-live="${groupPath(ref, "/_live")}" data-after="${page.items[0]?.id ?? ""}"`}>
              ${posts.length === 0 ? emptyNote(before ? "Nothing older." : "No posts yet.") : posts.map((p) => postCard(p, session, { ...cardOptions(moderator), levels }))}
            </section>
            ${pager(groupPath(ref), {}, page.nextCursor, before)}`
        }`,
    });
  });

  fastify.get("/g/:ref/_live", async (request, reply) => {
    const session = await webSession(ctx, request);
    securityHeaders(reply);
    if (!session) return reply.code(401).type("text/plain").send("Sign in");
    const after = String((request.query as Record<string, unknown>).after ?? "");
    const page = await groupTimeline(ctx, refParam(request), session.user.actorId, null, 20).catch(() => ({ items: [] as PostView[] }));
    const fresh = topLevel(page.items).filter((p) => !after || p.id > after);
    if (fresh[0]) reply.header("x-newest", fresh[0].id);
    return sendFragment(
      ctx,
      reply,
      fresh.filter((p) => !isGroupNote(p)).map((p) => postCard(p, session, cardOptions(false))),
    );
  });

  routes.signedInPage("/g/:ref/members", async (request, reply, session) => {
    const ref = refParam(request);
    // The group and the viewer's rights, resolved once for the members and the requests.
    const access = await resolveGroupAccess(ctx, ref, session.user.actorId);
    const group = groupViewOf(access);
    const query = request.query as Record<string, unknown>;
    const moderator = isModerator(group.membership);
    const members = await pageMembersOf(ctx, access, "accepted", { after: cursorOf(query), size: LIST_PAGE });
    const pending =
      moderator && group.local
        ? await pageMembersOf(ctx, access, "pending", { after: cursorOf(query, "requests_after"), size: LIST_PAGE })
        : { items: [], next: null, total: 0 };
    return sendPage(ctx, request, reply, {
      title: `Members of ${group.actor.username}`,
      session,
      section: "groups",
      body: html`${groupTabs(ref, group, "members")}
        ${
          pending.items.length > 0
            ? html`<h2>Waiting to join (${pending.total})</h2><ul>${pending.items.map(
                (m) => html`<li>${actorLink(m.actor)}
                <form method="post" action="${groupPath(ref, `/requests/${m.requestId}/approve`)}" class="inline">${csrfField(session)}<button type="submit">Approve</button></form>
                <form method="post" action="${groupPath(ref, `/requests/${m.requestId}/reject`)}" class="inline">${csrfField(session)}<button type="submit" class="secondary">Reject</button></form></li>`,
              )}</ul>${morePager(groupPath(ref, "/members"), query, pending.next, "requests", "requests_after")}`
            : ""
        }
        <h2>Members (${members.total})</h2>
        ${members.rolesKnown ? "" : html`<p class="muted">Roles are not shown: the group's home, ${organizationName(group.actor.domain)}, has not told us who moderates it.</p>`}
        <ul class="member-list">${members.items.map((m) => html`<li>${personLine(m.actor)}${members.rolesKnown ? html` <span class="badge">${m.role}</span>` : ""}</li>`)}</ul>
        ${morePager(groupPath(ref, "/members"), query, members.next, "members")}
        ${
          moderator && group.local
            ? html`<h2>Invite someone</h2><form method="post" action="${groupPath(ref, "/invite")}" class="row card">${csrfField(session)}
              <div><label for="invitee">Their handle</label><input id="invitee" name="target" type="text" placeholder="@name or @name@company.example" required data-complete="people" autocomplete="off"></div>
              <div><button type="submit">Invite</button></div></form>
              ${groupSettingsForm(ref, group, session)}`
            : ""
        }`,
    });
  });

  routes.action("/g/:ref/join", async (request, session) => {
    const result = await joinGroup(ctx, session.user.username, refParam(request));
    return { done: result.state === "accepted" ? "You joined the group." : "Your request was sent; a moderator will answer." };
  });
  routes.action("/g/:ref/leave", async (request, session) => {
    await leaveGroup(ctx, session.user.username, refParam(request));
    return { done: "You left the group." };
  });
  routes.action("/g/:ref/posts", async (request, session, body) => {
    const post = await readComposer(ctx, session, body);
    if (field(body, "kind") === "question") {
      const { content, ...extras } = post;
      await askQuestion(ctx, session.user.username, { group: refParam(request), content, extras });
      return { done: "Question asked." };
    }
    await createPost(ctx, session.user.username, { ...post, group: refParam(request) });
    return { done: "Posted." };
  });
  routes.action("/g/:ref/invite", async (request, session, body) => {
    await inviteToGroup(ctx, session.user.username, refParam(request), field(body, "target").trim());
    return { done: "Invitation sent." };
  });
  routes.action("/g/:ref/requests/:id/approve", async (request, session) => {
    await approveJoinRequest(ctx, session.user.username, refParam(request), (request.params as { id: string }).id);
    return { done: "Approved: they are a member now." };
  });
  registerGroupSettingsAction(ctx, routes);
  routes.action("/g/:ref/requests/:id/reject", async (request, session) => {
    await rejectJoinRequest(ctx, session.user.username, refParam(request), (request.params as { id: string }).id);
    return { done: "Request rejected." };
  });
}
