// Insights across three companies: Acme (A) hosts a support group, Globex (B,
// a partner) and Initech (C, a customer) take part. Every figure is checked
// against the activity this test creates; the rollups are kept by the home's
// database as the activities arrive, and a rebuild from scratch agrees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildInsights } from "../../src/db/queries/insight.queries.ts";
import { eventually, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { groupPostId, startInsightGarden, type InsightGarden } from "./insight-garden.ts";

let garden: InsightGarden;
let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser; // Acme, owner of the group
let andy: TestUser; // Acme, plain member
let root: TestUser; // Acme's admin
let outsider: TestUser; // Acme, not in the group
let gus: TestUser;
let gia: TestUser;
let cara: TestUser;
let cid: TestUser;
const group = () => garden.group();
const insightsPath = (query = "") => `/api/ecotone/v1/groups/support/insights${query}`;
/** The id of a group post with this URI on an instance, once it has arrived there. */
const idOn = (instance: TestInstance, user: TestUser, uri: string) => groupPostId(instance, user, group(), uri);

/** Posts on `instance` into the group and waits until the home holds it; returns its id there and where it was written. */
async function post(instance: TestInstance, user: TestUser, content: string, inReplyTo?: string): Promise<{ local: string; uri: string }> {
  const created = await instance.api(
    user.token,
    "POST",
    "/api/ecotone/v1/posts",
    inReplyTo ? { inReplyTo, content } : { group: `@support@${a.host}`, content },
  );
  expect(created.status).toBe(201);
  if (!inReplyTo) await idOn(a, olga, created.body.uri);
  return { local: created.body.id, uri: created.body.uri };
}

beforeAll(async () => {
  // Globex is Acme's partner, Initech its customer.
  garden = await startInsightGarden("support", "Acme support", { relationships: { b: "partner", c: "customer" } });
  ({ a, b, c, root, olga, andy, gus, gia, cara, cid } = garden);
  outsider = await a.user("outsider");
}, 300_000);

afterAll(async () => {
  await garden?.close();
});

describe("group insights across three companies", () => {
  it("counts who answers whom: Globex answers Acme's customers in 2 of 3 threads", async () => {
    const t1 = await post(c, cara, "Our sensor reads 2 °C too high");
    const t2 = await post(c, cid, "Where is the calibration manual?");
    const t3 = await post(c, cara, "Can we get the firmware changelog?");
    // Replies written on Globex's and Acme's instances, to the copies they hold.
    await post(b, gus, "Recalibrate with the 0 °C bath", await idOn(b, gus, t1.uri));
    await post(b, gia, "Page 12 of the field guide", await idOn(b, gia, t2.uri));
    await post(a, olga, "It ships with 4.2", await idOn(a, olga, t2.uri));
    // The customer thanks Globex in their own thread: the asker's own reply is not an answer.
    await post(c, cara, "Thanks!", await idOn(c, cara, t3.uri));

    const body = await eventually(async () => {
      const r = await a.api(olga.token, "GET", insightsPath());
      expect(r.status).toBe(200);
      expect(r.body.totals.replies).toBe(4);
      return r.body;
    });
    expect(body.totals.posts).toBe(3);
    expect(body.totals.members).toBe(6);
    const rs = body.responsiveness;
    expect(rs.threads).toBe(3);
    expect(rs.answered).toBe(2);
    expect(rs.answeredShare).toBe(0.667);
    expect(rs.unanswered.map((u: { uri: string }) => u.uri)).toEqual([t3.uri]);
    expect(rs.unanswered[0].audience).toBe("customer");
    const globexToCustomers = rs.answerRates.byAudience.find((r: { asker: string; answerer: string }) => r.asker === "customer" && r.answerer === b.host);
    expect(globexToCustomers).toMatchObject({ threads: 3, answered: 2, rate: 0.667 });
    const acmeToInitech = rs.answerRates.byOrganization.find((r: { asker: string; answerer: string }) => r.asker === c.host && r.answerer === a.host);
    expect(acmeToInitech).toMatchObject({ threads: 3, answered: 1, rate: 0.333 });
    expect(rs.medianHoursToFirstReply).toBeGreaterThanOrEqual(0);
  });

  it("counts likes and idea votes from other instances once, and the idea funnel", async () => {
    const idea = await c.api(cid.token, "POST", `/api/ecotone/v1/groups/${group()}/ideas`, { title: "CSV export", content: "Orders as CSV" });
    expect(idea.status).toBe(201);
    const onA = await eventually(async () => {
      const board = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/ideas");
      const found = board.body.items.find((i: { title: string }) => i.title === "CSV export");
      if (!found) throw new Error("idea not on A yet");
      return found.id as string;
    });
    const onB = await idOn(b, gus, idea.body.post.uri);
    await b.api(gus.token, "POST", `/api/ecotone/v1/ideas/${onB}/vote`);
    await b.api(gus.token, "POST", `/api/ecotone/v1/ideas/${onB}/vote`); // twice: one vote
    await a.api(andy.token, "POST", `/api/ecotone/v1/ideas/${onA}/vote`);
    // The answer is a reply in the idea's thread: a fifth reply, and the idea's first answer.
    await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${onA}/status`, { status: "planned", reason: "Next release" });

    const body = await eventually(async () => {
      const r = await a.api(olga.token, "GET", insightsPath());
      expect(r.body.totals.votes).toBe(2);
      return r.body;
    });
    expect(body.totals.ideas).toBe(1);
    expect(body.ideas).toMatchObject({ proposed: 1, answered: 1, byStatus: { planned: 1 }, reached: { planned: 1 } });
    const today = new Date().toISOString().slice(0, 10);
    const byDay = body.series.find((s: { bucket: string }) => s.bucket === today);
    expect(byDay).toMatchObject({ votes: 2, ideas: 1, replies: 5, posts: 4 });
  });

  it("splits by audience only where a bucket has at least 5 people", async () => {
    const r = await a.api(olga.token, "GET", insightsPath("?by=audience&interval=week"));
    expect(r.status).toBe(200);
    expect(r.body.breakdownWithheld).toBeNull();
    // Five members or more: nothing is withheld under the small-group rule (small buckets are merged, not withheld).
    expect(r.body).toMatchObject({ small: false, withheld: [] });
    // Customers (2), partners (2) and employees (1 active) are each fewer than 5 people.
    expect(new Set(r.body.series.map((s: { key: string }) => s.key))).toEqual(new Set(["fewer than 5 people"]));
    const total = r.body.series.reduce((sum: number, s: { replies: number }) => sum + s.replies, 0);
    expect(total).toBe(5);
  });

  it("stays exact when rebuilt from the stored activity", async () => {
    const before = (await a.api(olga.token, "GET", insightsPath("?by=organization"))).body;
    await rebuildInsights(a.app.ctx.db);
    const after = (await a.api(olga.token, "GET", insightsPath("?by=organization"))).body;
    expect(after.totals).toEqual(before.totals);
    expect(after.series).toEqual(before.series);
    expect(after.responsiveness).toEqual(before.responsiveness);
  });

  it("keeps a group's insights to its moderators, its members once allowed, and the instance's to admins", async () => {
    // Moderators only until they let the members see them (docs/insights.md, ADR 0083).
    expect((await a.api(andy.token, "GET", insightsPath())).status).toBe(403);
    expect((await a.api(olga.token, "PATCH", "/api/ecotone/v1/groups/support/settings", { membersSeeInsights: true })).status).toBe(200);
    expect((await a.api(andy.token, "GET", insightsPath())).status).toBe(200);
    const stranger = await a.api(outsider.token, "GET", insightsPath());
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.message).toMatch(/join the group/);
    expect((await a.api(null, "GET", insightsPath())).status).toBe(401);
    expect((await a.api(olga.token, "GET", insightsPath("?from=2026-13-01"))).status).toBe(422);
    expect((await a.api(olga.token, "GET", insightsPath("?from=2026-02-01&to=2026-01-01"))).status).toBe(422);

    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/insights")).status).toBe(403);
    const instance = await a.api(root.token, "GET", "/api/ecotone/v1/insights");
    expect(instance.status).toBe(200);
    expect(instance.body.totals).toMatchObject({ posts: 4, replies: 5, votes: 2, ideas: 1 });
    expect(instance.body.responsiveness.threads).toBe(4);

    const own = await a.api(andy.token, "GET", "/api/ecotone/v1/insights/people");
    expect(own.body.totals).toMatchObject({ votes: 1, active: 1 });
    expect((await a.api(andy.token, "GET", `/api/ecotone/v1/insights/people?actor=${encodeURIComponent(olga.handle)}`)).status).toBe(403);
    const asAdmin = await a.api(root.token, "GET", `/api/ecotone/v1/insights/people?actor=${encodeURIComponent(olga.handle)}`);
    expect(asAdmin.body.totals).toMatchObject({ replies: 1, posts: 0 });
  });

  it("keeps a members-only group's insights to its moderators and does not break down a small group", async () => {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "board", name: "Board", visibility: "members_only" })).status).toBe(201);
    await a.api(andy.token, "POST", "/api/ecotone/v1/groups/board/join");
    await eventually(async () => (await a.api(andy.token, "GET", "/api/ecotone/v1/groups/board")).body.membership?.state === "accepted");
    const member = await a.api(andy.token, "GET", "/api/ecotone/v1/groups/board/insights");
    expect(member.status).toBe(403);
    expect(member.body.error.message).toMatch(/moderators/);
    const small = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/board/insights?by=organization");
    expect(small.status).toBe(200);
    expect(small.body.breakdownWithheld).toMatch(/fewer than 5 members/);
    expect(small.body.responsiveness.answerRates.byOrganization).toEqual([]);
    expect(small.body.small).toBe(true);
    expect(small.body.withheld.map((w: { figure: string }) => w.figure)).toEqual([
      "series",
      "responsiveness.answerRates.byOrganization",
      "responsiveness.answerRates.byAudience",
    ]);
    // Nor when no breakdown is asked for: a thread answered in a group of two shows as counted, its answer rates do not.
    const question = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Who signs the minutes?" });
    expect((await a.api(andy.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: question.body.id, content: "I will" })).status).toBe(201);
    const plain = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/board/insights");
    expect(plain.body.responsiveness.answered).toBe(1);
    expect(plain.body.responsiveness.answerRates).toMatchObject({ byOrganization: [], byAudience: [] });
    // The one flag says so even though no split was asked for, with the reason for each figure left out.
    expect(plain.body.breakdownWithheld).toBeNull();
    expect(plain.body).toMatchObject({
      small: true,
      withheld: [
        { figure: "responsiveness.answerRates.byOrganization", reason: "fewer than 5 members" },
        { figure: "responsiveness.answerRates.byAudience", reason: "fewer than 5 members" },
      ],
    });
    const together = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/board/insights/collaboration");
    expect(together.body).toMatchObject({ small: true, withheld: [{ figure: "pairs", reason: "fewer than 5 members" }], pairs: [] });
  });
});

describe("what matters", () => {
  it("surfaces rising ideas, threads drawing several companies and unanswered customer questions", async () => {
    const idea = await c.api(cara.token, "POST", `/api/ecotone/v1/groups/${group()}/ideas`, { title: "Dark mode", content: "For the night shift" });
    expect(idea.status).toBe(201);
    await b.api(gus.token, "POST", `/api/ecotone/v1/ideas/${await idOn(b, gus, idea.body.post.uri)}/vote`);
    const matters = await eventually(async () => {
      const r = await a.api(andy.token, "GET", "/api/ecotone/v1/groups/support/what-matters");
      expect(r.status).toBe(200);
      expect(r.body.risingIdeas[0]?.signal.momentum).toBeGreaterThan(0.9);
      return r.body;
    });
    expect(matters.risingIdeas.map((i: { uri: string }) => i.uri)).toEqual([idea.body.post.uri]);
    // Initech's idea reached Globex (a vote): two organizations, two audiences.
    expect(matters.risingIdeas[0].signal).toMatchObject({ organizations: 2, audiences: 2, trackRecord: 0 });
    const threads = matters.multiCompanyThreads.map((t: { excerpt: string; signal: { organizations: number } }) => [t.excerpt, t.signal.organizations]);
    // The manual question drew all three companies, the sensor one two: it ranks higher.
    const texts = threads.map((t: [string, number]) => t[0]);
    expect(threads).toContainEqual(["Where is the calibration manual?", 3]);
    expect(threads).toContainEqual(["Our sensor reads 2 °C too high", 2]);
    expect(texts.indexOf("Where is the calibration manual?")).toBeLessThan(texts.indexOf("Our sensor reads 2 °C too high"));
    expect(texts).not.toContain("Can we get the firmware changelog?");
    expect(matters.unansweredCustomerQuestions.map((t: { excerpt: string }) => t.excerpt)).toEqual(["Can we get the firmware changelog?"]);
    // Outsiders of a members-only group see nothing of it.
    expect((await a.api(null, "GET", "/api/ecotone/v1/groups/board/what-matters")).status).toBe(404);
  });
});

describe("segments", () => {
  const names = (body: { items: Array<{ handle: string }> }) => body.items.map((m) => m.handle.split("@")[1]).sort();

  it("describes people by audience, organization and behaviour, and exports them as CSV", async () => {
    const customers = await a.api(root.token, "POST", "/api/ecotone/v1/segments", {
      name: "Support customers",
      filter: { audiences: ["customer"], group: "support" },
    });
    expect(customers.status).toBe(201);
    const members = await a.api(root.token, "GET", `/api/ecotone/v1/segments/${customers.body.id}/members`);
    expect(names(members.body)).toEqual(["cara", "cid"]);
    expect(members.body.items[0]).toMatchObject({ organization: c.host, audience: "customer", relationship: "customer" });

    const globex = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Globex", filter: { organizations: [b.host] } });
    const csv = await fetch(new URL(`/api/ecotone/v1/segments/${globex.body.id}/members?format=csv`, a.origin), {
      headers: { authorization: `Bearer ${root.token}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toContain('filename="Globex.csv"');
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("account,name,organization,audience,relationship,uri");
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[0])
        .sort(),
    ).toEqual([`"gia@${b.host}"`, `"gus@${b.host}"`]);

    const voters = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Voters", filter: { group: "support", voted: true } });
    expect(names((await a.api(root.token, "GET", `/api/ecotone/v1/segments/${voters.body.id}/members`)).body)).toEqual(["andy", "gus"]);
    const prolific = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Prolific", filter: { group: "support", minPosts: 3 } });
    expect(names((await a.api(root.token, "GET", `/api/ecotone/v1/segments/${prolific.body.id}/members`)).body)).toEqual(["cara"]);
    const silent = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Silent", filter: { group: "support", silentForDays: 30 } });
    expect(names((await a.api(root.token, "GET", `/api/ecotone/v1/segments/${silent.body.id}/members`)).body)).toEqual([]);
  });

  it("keeps segments to admins and the group's moderators, and refuses a bad filter without saving it", async () => {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/segments", { name: "Mine", filter: { group: "support" } })).status).toBe(201);
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/segments", { name: "Everyone", filter: { audiences: ["customer"] } })).status).toBe(403);
    expect((await a.api(andy.token, "POST", "/api/ecotone/v1/segments", { name: "Peek", filter: { group: "support" } })).status).toBe(403);
    const before = (await a.api(root.token, "GET", "/api/ecotone/v1/segments")).body.items.length;
    for (const filter of [{ audiences: ["martian"] }, { colour: "blue" }, {}, { activeWithinDays: 7, silentForDays: 7 }, { minPosts: 0 }]) {
      const bad = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Bad", filter });
      expect(bad.status).toBe(422);
    }
    expect((await a.api(root.token, "GET", "/api/ecotone/v1/segments")).body.items.length).toBe(before);
    const someone = (await a.api(root.token, "GET", "/api/ecotone/v1/segments")).body.items[0].id;
    expect((await a.api(andy.token, "GET", `/api/ecotone/v1/segments/${someone}/members`)).status).toBe(404);
  });

  it("invites a segment to a group, once", async () => {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "vip", name: "VIP customers", joinPolicy: "invite" })).status).toBe(201);
    const segment = await a.api(olga.token, "POST", "/api/ecotone/v1/segments", {
      name: "Customers",
      filter: { group: "support", relationships: ["customer"] },
    });
    const first = await a.api(olga.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/invite`, { group: "vip" });
    expect(first.body).toEqual({ invited: 2, skipped: 0 });
    // The invitation reaches Initech: Cara may now join the invite-only group.
    const vip = encodeURIComponent(`@vip@${a.host}`);
    await eventually(async () => [200, 202].includes((await c.api(cara.token, "POST", `/api/ecotone/v1/groups/${vip}/join`)).status));
    await eventually(async () => (await c.api(cara.token, "GET", `/api/ecotone/v1/groups/${vip}`)).body.membership?.state === "accepted");
    const again = await a.api(olga.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/invite`, { group: "vip" });
    expect(again.body).toEqual({ invited: 0, skipped: 2 });
    // Not a moderator of the target group: nobody is invited.
    expect((await a.api(root.token, "POST", "/api/ecotone/v1/groups", { slug: "staff", name: "Staff", joinPolicy: "invite" })).status).toBe(201);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/invite`, { group: "staff" })).status).toBe(403);
  });
});
