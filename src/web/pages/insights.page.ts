// Insight pages: /groups/:ref/insights (a group's moderators; its members when
// the group lets them) and /admin/insights (admins), the same figures as the API
// (docs/insights.md), each chart beside a table and a CSV of its numbers.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { groupInsights, instanceInsights, type InsightsView, type RawInsightQuery } from "../../services/insights/insight.service.ts";
import { groupCollaboration, instanceCollaboration } from "../../services/insights/collaboration.service.ts";
import { collaborationSection } from "./insights-collaboration.part.ts";
import { withheldNote } from "./insights-withheld.part.ts";
import { registerSegmentPages } from "./segments.page.ts";
import { INSIGHT_METRICS } from "../../domain/insight.rules.ts";
import { emptyNote } from "../components.ts";
import { html, when, type Html } from "../html.ts";
import { sendPage } from "../layout.ts";
import type { WebRoutes } from "../routes.ts";
import type { WebSession } from "../session.ts";
import { funnel, network, stackedBars } from "../insight-charts.ts";
import { insightsCsv } from "./insights.csv.ts";
import { groupReputation } from "../../services/insights/reputation.service.ts";
import { whatMatters } from "../../services/insights/signal.service.ts";
import { levelBadge } from "../reputation.components.ts";
import { refParam } from "./group.page.ts";

const LABELS: Record<string, string> = {
  posts: "Threads",
  replies: "Replies",
  likes: "Likes",
  votes: "Votes",
  ideas: "Ideas",
  joined: "Joined",
  left: "Left",
  active: "Active people",
  members: "Members",
};
const FUNNEL = ["open", "under_review", "planned", "in_progress", "done", "declined"] as const;
const pct = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)} %`);
const hours = (h: number | null) => (h === null ? "—" : h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`);

function queryOf(request: FastifyRequest): RawInsightQuery {
  const q = request.query as Record<string, string | undefined>;
  const pick = (k: string) => (q[k] ? q[k] : undefined);
  return { from: pick("from"), to: pick("to"), interval: pick("interval"), by: pick("by") };
}

function periodForm(action: string, view: InsightsView): Html {
  const r = view.range;
  const opt = (value: string, text: string, current: string | null) =>
    html`<option value="${value}"${value === (current ?? "") ? html` selected` : ""}>${text}</option>`;
  return html`<form method="get" action="${action}" class="insight-period" aria-label="Period">
    <div><label for="in-from">From</label><input id="in-from" name="from" type="date" value="${r.from}"></div>
    <div><label for="in-to">To</label><input id="in-to" name="to" type="date" value="${r.to}"></div>
    <div><label for="in-interval">By</label><select id="in-interval" name="interval">${opt("day", "day", r.interval)}${opt("week", "week", r.interval)}</select></div>
    <div><label for="in-by">Split</label><select id="in-by" name="by">${opt("", "not split", r.by)}${opt("organization", "by organization", r.by)}${opt("audience", "by audience", r.by)}</select></div>
    <div><button type="submit" class="secondary">Show</button></div></form>`;
}

function activity(view: InsightsView, csvHref: string): Html {
  const buckets = [...new Set(view.series.map((s) => s.bucket))];
  const split = view.series.some((s) => s.key !== null);
  const orgName = (k: string) => view.organizations[k] ?? k;
  const keys = split ? [...new Set(view.series.map((s) => s.key ?? ""))] : ["posts", "replies", "likes", "votes"];
  const value = (bucket: string, key: string) =>
    split
      ? view.series.filter((s) => s.bucket === bucket && s.key === key).reduce((sum, s) => sum + s.posts + s.replies, 0)
      : (view.series.find((s) => s.bucket === bucket)?.[key as "posts"] ?? 0);
  const names = split ? keys.map((k) => (view.range.by === "organization" ? orgName(k) : k)) : keys.map((k) => LABELS[k]!);
  if (buckets.length === 0) return html`<h2>Activity</h2>${emptyNote("Nothing happened in this period.")}`;
  return html`<h2>Activity</h2>
    ${withheldNote(view.withheld, ["series"], `Split by ${view.range.by ?? "organization"}`)}
    ${stackedBars(split ? "Threads and replies per period" : "Activity per period", buckets, keys, value, names)}
    <p><a href="${csvHref}" download>Download these numbers (CSV)</a></p>
    <details><summary>Table</summary><div class="table-scroll"><table><thead><tr><th scope="col">Period</th>${split ? html`<th scope="col">${view.range.by}</th>` : ""}${INSIGHT_METRICS.map((m) => html`<th scope="col">${LABELS[m]}</th>`)}</tr></thead><tbody>
    ${view.series.map((s) => html`<tr><td>${s.bucket}</td>${split ? html`<td>${view.range.by === "organization" ? orgName(s.key ?? "") : s.key}</td>` : ""}${INSIGHT_METRICS.map((m) => html`<td>${s[m]}</td>`)}</tr>`)}
    </tbody></table></div></details>`;
}

function responsiveness(view: InsightsView): Html {
  const r = view.responsiveness;
  const name = (d: string) => view.organizations[d] ?? d;
  const rates = r.answerRates.byOrganization;
  const nodes = [...new Set(rates.flatMap((x) => [x.asker, x.answerer]))];
  return html`<h2>Responsiveness</h2>
    <dl class="figures"><div><dt>Threads</dt><dd>${r.threads}</dd></div><div><dt>Answered</dt><dd>${pct(r.answeredShare)}</dd></div>
      <div><dt>Median first reply</dt><dd>${hours(r.medianHoursToFirstReply)}</dd></div><div><dt>Unanswered</dt><dd>${r.threads - r.answered}</dd></div></dl>
    ${
      rates.length > 0
        ? html`<h3>Who answers whom</h3>${network(
            "Organizations answering each other's threads",
            nodes.map(name),
            rates.filter((x) => x.asker !== x.answerer).map((x) => ({ from: name(x.asker), to: name(x.answerer), weight: x.answered })),
          )}
        <div class="table-scroll"><table><thead><tr><th scope="col">Threads of</th><th scope="col">Answered by</th><th scope="col">Answered</th><th scope="col">Share</th><th scope="col">Mean first answer</th></tr></thead><tbody>
        ${rates.map((x) => html`<tr><td>${name(x.asker)}</td><td>${name(x.answerer)}</td><td>${x.answered} of ${x.threads}</td><td>${pct(x.rate)}</td><td>${hours(x.meanHours)}</td></tr>`)}
        ${r.answerRates.byAudience.map((x) => html`<tr><td>${x.asker} (audience)</td><td>${name(x.answerer)}</td><td>${x.answered} of ${x.threads}</td><td>${pct(x.rate)}</td><td>${hours(x.meanHours)}</td></tr>`)}
        </tbody></table></div>`
        : withheldNote(
            view.withheld,
            ["responsiveness.answerRates.byOrganization", "responsiveness.answerRates.byAudience"],
            "Answer rates by organization and audience",
          )
    }
    <h3>Unanswered threads</h3>
    ${r.unanswered.length === 0 ? emptyNote("Every thread of this period has an answer.") : html`<ul>${r.unanswered.map((u) => html`<li><a href="/p/${u.postId}">Thread</a> from ${name(u.organization)} (${u.audience}), ${when(u.openedAt)}</li>`)}</ul>`}`;
}

function work(view: InsightsView): Html {
  const name = (d: string) => view.organizations[d] ?? d;
  const i = view.ideas;
  const stages = FUNNEL.map((s) => ({ label: s.replace(/_/g, " "), value: s === "open" ? i.proposed : (i.reached[s] ?? 0) }));
  return html`<h2>Tasks</h2>
    ${
      view.tasks.length === 0
        ? emptyNote("No tasks in this period.")
        : html`<div class="table-scroll"><table><thead><tr><th scope="col">Organization</th><th scope="col">Opened</th><th scope="col">Done</th><th scope="col">Mean cycle time</th><th scope="col">Overdue now</th></tr></thead><tbody>
      ${view.tasks.map((t) => html`<tr><td>${name(t.organization)}</td><td>${t.opened}</td><td>${t.done}</td><td>${hours(t.meanCycleHours)}</td><td>${t.overdue}</td></tr>`)}</tbody></table></div>`
    }
    <h2>Ideas</h2>
    <dl class="figures"><div><dt>Proposed</dt><dd>${i.proposed}</dd></div><div><dt>Got an answer</dt><dd>${i.answered}</dd></div>
      <div><dt>Closing the loop</dt><dd>${pct(i.proposed === 0 ? null : i.answered / i.proposed)}</dd></div><div><dt>Median time to answer</dt><dd>${hours(i.medianHoursToAnswer)}</dd></div></dl>
    ${i.proposed === 0 ? "" : funnel("Ideas by the furthest status reached", stages)}
    <div class="table-scroll"><table><thead><tr><th scope="col">Status</th><th scope="col">Reached</th><th scope="col">Now</th></tr></thead><tbody>
    ${FUNNEL.map((s) => html`<tr><td>${s.replace(/_/g, " ")}</td><td>${s === "open" ? i.proposed : (i.reached[s] ?? 0)}</td><td>${i.byStatus[s] ?? 0}</td></tr>`)}</tbody></table></div>`;
}

function insightsBody(view: InsightsView, action: string): Html {
  const query = new URLSearchParams({
    from: view.range.from,
    to: view.range.to,
    interval: view.range.interval,
    ...(view.range.by ? { by: view.range.by } : {}),
  });
  const totals = [...INSIGHT_METRICS, ...(view.totals.members === null ? [] : (["members"] as const))];
  return html`<link rel="stylesheet" href="/assets/insights.css">
    ${periodForm(action, view)}
    <dl class="figures">${totals.map((m) => html`<div><dt>${LABELS[m]}</dt><dd>${view.totals[m] ?? 0}</dd></div>`)}</dl>
    ${activity(view, `${action}.csv?${query.toString()}`)}${responsiveness(view)}${work(view)}
    <p class="muted">Only what people posted, answered, liked, voted and joined is counted — never what they read. Groups of fewer than 5 members, and segments of fewer than 5 people, are not split. <a href="/api/ecotone/v1/openapi.json">API</a></p>`;
}

async function sendCsv(reply: FastifyReply, name: string, view: InsightsView) {
  return reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${name}.csv"`).send(insightsCsv(view));
}

async function groupExtras(ctx: ServiceContext, ref: string, viewerId: string): Promise<Html> {
  const [matters, voices] = await Promise.all([whatMatters(ctx, ref, viewerId), groupReputation(ctx, ref, viewerId, 10)]);
  const item = (t: Awaited<ReturnType<typeof whatMatters>>["risingIdeas"][number]) =>
    html`<li><a href="/p/${t.id}">${t.title ?? t.excerpt.slice(0, 80)}</a> <span class="muted">signal ${t.signal.score} · ${t.signal.organizations} organizations · ${t.audience}</span></li>`;
  const list = (items: typeof matters.risingIdeas, none: string) => (items.length === 0 ? emptyNote(none) : html`<ul>${items.map(item)}</ul>`);
  return html`<h2>What matters</h2>
    <h3>Rising ideas</h3>${list(matters.risingIdeas, "No open idea is gathering votes.")}
    <h3>Threads drawing several companies</h3>${list(matters.multiCompanyThreads, "No thread has drawn more than one company yet.")}
    <h3>Customer questions without an answer</h3>${list(matters.unansweredCustomerQuestions, "Every customer question has an answer.")}
    <h2>Trusted voices</h2>
    ${
      voices.length === 0
        ? emptyNote("No reputation earned yet.")
        : html`<div class="table-scroll"><table><thead><tr><th scope="col">Person</th><th scope="col">Score</th><th scope="col">Why</th></tr></thead><tbody>
      ${voices.map((v) => html`<tr><td>${v.actor.displayName ?? v.actor.username} <span class="muted">${v.actor.handle}</span>${levelBadge(v.level)}</td><td>${v.score}</td><td>${v.reasons.map((r) => `${r.kind.replace(/_/g, " ")} ×${r.count} (${r.points})`).join(", ")}</td></tr>`)}
      </tbody></table></div>`
    }`;
}

const who = (session: WebSession) => ({ username: session.user.username, role: session.user.role });

export function registerInsightPages(ctx: ServiceContext, routes: WebRoutes): void {
  registerSegmentPages(ctx, routes);
  routes.signedInPage("/groups/:ref/insights", async (request, reply, session) => {
    const ref = refParam(request);
    const [view, together] = await Promise.all([
      groupInsights(ctx, who(session), ref, queryOf(request)),
      groupCollaboration(ctx, who(session), ref, queryOf(request)),
    ]);
    const handle = view.scope.kind === "group" ? view.scope.handle : ref;
    return sendPage(ctx, request, reply, {
      title: `Insights of ${handle}`,
      session,
      section: "groups",
      body: html`<h1>Insights <span class="muted handle">${handle}</span></h1><p><a href="/g/${encodeURIComponent(ref)}">Back to the group</a></p>${insightsBody(view, `/groups/${encodeURIComponent(ref)}/insights`)}${collaborationSection(together)}${await groupExtras(ctx, ref, session.user.actorId)}`,
    });
  });
  routes.signedInPage("/groups/:ref/insights.csv", async (request, reply, session) =>
    sendCsv(
      reply,
      `insights-${refParam(request).replace(/[^A-Za-z0-9._-]+/g, "-")}`,
      await groupInsights(ctx, who(session), refParam(request), queryOf(request)),
    ),
  );
  routes.signedInPage("/g/:ref/insights", async (request, reply) => reply.redirect(`/groups/${encodeURIComponent(refParam(request))}/insights`, 302));
  routes.adminPage("/admin/insights", async (request, reply, session) => {
    const [view, together] = await Promise.all([
      instanceInsights(ctx, who(session), queryOf(request)),
      instanceCollaboration(ctx, who(session), queryOf(request)),
    ]);
    return sendPage(ctx, request, reply, {
      title: "Insights",
      session,
      section: "admin",
      body: html`<h1>Insights of this instance</h1>${insightsBody(view, "/admin/insights")}${collaborationSection(together)}`,
    });
  });
  routes.adminPage("/admin/insights.csv", async (request, reply, session) =>
    sendCsv(reply, "insights", await instanceInsights(ctx, who(session), queryOf(request))),
  );
}
