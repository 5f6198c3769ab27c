// Collaboration across three companies in a group Acme (A) hosts: Globex (B)
// and Initech (C) take part. Replies, mentions and a shared task made here on
// the three instances must show up at the home as organization ×
// organization contacts, with the people who bridge companies ranked and
// explained; an undone reply is taken back, and a rebuild agrees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildInsights } from "../../src/db/queries/insight.queries.ts";
import { eventually, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";
import { groupPostId, startInsightGarden, type InsightGarden } from "./insight-garden.ts";

let garden: InsightGarden;
let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let root: TestUser;
let olga: TestUser; // Acme, owner
let andy: TestUser; // Acme, member
let gus: TestUser; // Globex
let cara: TestUser; // Initech
const group = () => garden.group();
const collaboration = (who: TestUser) => a.api(who.token, "GET", "/api/ecotone/v1/groups/works/insights/collaboration");
/** The id on `instance` of the group post with this URI, once it is there. */
const idOn = (instance: TestInstance, user: TestUser, uri: string) => groupPostId(instance, user, group(), uri);

/** Starts a thread on `instance`; returns its URI once the home holds it. */
async function write(instance: TestInstance, user: TestUser, body: Record<string, unknown>): Promise<string> {
  const created = await instance.api(user.token, "POST", "/api/ecotone/v1/posts", body);
  expect(created.status).toBe(201);
  await idOn(a, olga, created.body.uri);
  return created.body.uri as string;
}

/** The id on `instance` of a post of the thread started by `root`, once it is there. */
async function inThread(instance: TestInstance, user: TestUser, root: string, uri: string): Promise<string> {
  const rootId = await idOn(instance, user, root);
  return eventually(async () => {
    const thread = await instance.api(user.token, "GET", `/api/ecotone/v1/posts/${rootId}/thread`);
    const id = thread.body.items?.find((p: { uri: string }) => p.uri === uri)?.id as string | undefined;
    if (!id) throw new Error(`${uri} not in the thread on ${instance.host} yet`);
    return id;
  });
}

/** Replies on `instance` to `parent` (in the thread of `root`); returns its URI once the home holds it. */
async function reply(instance: TestInstance, user: TestUser, root: string, parent: string, content: string): Promise<string> {
  const created = await instance.api(user.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: await inThread(instance, user, root, parent), content });
  expect(created.status).toBe(201);
  await inThread(a, olga, root, created.body.uri);
  return created.body.uri as string;
}

type Pair = { from: string; to: string; replies: number; mentions: number; worksWith: number };
const pairOf = (pairs: Pair[], from: TestInstance, to: TestInstance) => pairs.find((p) => p.from === from.host && p.to === to.host);

beforeAll(async () => {
  garden = await startInsightGarden("works", "Joint works");
  ({ a, b, c, root, olga, andy, gus, cara } = garden);
}, 180_000);

afterAll(async () => {
  await garden?.close();
});

describe("collaboration across companies", () => {
  let gusReply: string;
  let threadUri: string;

  it("counts replies, mentions and shared work organization × organization, and ranks the people who bridge", async () => {
    const thread = await write(c, cara, { group: `@works@${a.host}`, content: "Can Globex and Acme deliver the sensors together?" });
    // Globex answers Initech; Acme answers Initech; Initech answers Globex back.
    threadUri = thread;
    gusReply = await reply(b, gus, thread, thread, "Yes, we can ship in May");
    await reply(a, olga, thread, thread, "We add the firmware");
    await reply(c, cara, thread, gusReply, "Great, May works");
    // Initech names Globex's gus; Acme's andy names Acme's olga (same company: not a cross-company contact).
    await write(c, cara, { group: `@works@${a.host}`, content: `Kick-off next week, ${gus.handle}` });
    await write(a, andy, { group: `@works@${a.host}`, content: `Notes from the call, ${olga.handle}` });

    // Acme opens a task and assigns Globex's gus, who accepts on his own instance.
    const task = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/works/tasks", { title: "Ship 40 sensors" });
    expect(task.status).toBe(201);
    const assigned = await a.api(olga.token, "POST", `/api/ecotone/v1/tasks/${task.body.id}/assignees`, { assignee: gus.handle });
    expect(assigned.status).toBeLessThan(300);
    const mine = await eventually(async () => {
      const res = await b.api(gus.token, "GET", "/api/ecotone/v1/me/tasks");
      return res.body.items?.length === 1 ? res.body.items : undefined;
    });
    expect((await b.api(gus.token, "POST", `/api/ecotone/v1/tasks/${mine[0].id}/assignment/accept`)).status).toBe(202);

    const body = await eventually(async () => {
      const r = await collaboration(olga);
      expect(r.status).toBe(200);
      if (!pairOf(r.body.pairs, a, b)?.worksWith) throw new Error("the accepted assignment has not reached the home yet");
      return r.body;
    });
    expect(body.breakdownWithheld).toBeNull();
    const pairs = body.pairs as Pair[];
    expect(pairOf(pairs, b, c)).toMatchObject({ replies: 1, mentions: 0, worksWith: 0 });
    expect(pairOf(pairs, a, c)).toMatchObject({ replies: 1, mentions: 0, worksWith: 0 });
    expect(pairOf(pairs, c, b)).toMatchObject({ replies: 1, mentions: 1, worksWith: 0 });
    expect(pairOf(pairs, a, b)).toMatchObject({ replies: 0, mentions: 0, worksWith: 1 });
    // Nothing within one company, nothing that did not happen.
    expect(pairs).toHaveLength(4);
    expect(pairOf(pairs, a, a)).toBeUndefined();

    // gus and cara each met two other companies in four contacts; olga two in two; andy none.
    const bridges = body.bridges as Array<{ actor: { handle: string }; score: number; organizations: string[]; contacts: number; why: string }>;
    expect(
      bridges
        .map((x) => x.actor.handle)
        .slice(0, 2)
        .sort(),
    ).toEqual([cara.handle, gus.handle].sort());
    expect(bridges.find((x) => x.actor.handle === gus.handle)).toMatchObject({ score: 2, organizations: [a.host, c.host].sort(), contacts: 4 });
    expect(bridges.find((x) => x.actor.handle === olga.handle)).toMatchObject({ score: 2, contacts: 2 });
    expect(bridges.find((x) => x.actor.handle === gus.handle)?.why).toMatch(/2 other organizations/);
    expect(bridges.map((x) => x.actor.handle)).not.toContain(andy.handle);
  });

  it("takes back an undone reply, and a rebuild from scratch agrees", async () => {
    const id = await inThread(b, gus, threadUri, gusReply);
    expect((await b.api(gus.token, "DELETE", `/api/ecotone/v1/posts/${id}`)).status).toBeLessThan(300);
    const after = await eventually(async () => {
      const r = await collaboration(olga);
      if (pairOf(r.body.pairs, b, c)) throw new Error("the Delete has not reached the home yet");
      return r.body;
    });
    expect(pairOf(after.pairs, c, b)).toMatchObject({ replies: 1, mentions: 1 });
    await rebuildInsights(a.app.ctx.db);
    expect((await collaboration(olga)).body).toEqual(after);
  });

  it("keeps it to the group's insight readers and the instance's to admins, and shows it on the insight pages", async () => {
    expect((await collaboration(andy)).status).toBe(403);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/insights/collaboration")).status).toBe(403);
    const instance = await a.api(root.token, "GET", "/api/ecotone/v1/insights/collaboration");
    expect(instance.status).toBe(200);
    expect(pairOf(instance.body.pairs, a, b)).toMatchObject({ worksWith: 1 });
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/works/insights/collaboration?from=2026-13-01")).status).toBe(422);

    const web = new WebVisitor(a.origin);
    await web.signIn("olga", "correct horse battery staple");
    const page = await web.get("/groups/works/insights");
    expect(page.text_).toContain("Collaboration across companies");
    expect(page.text_).toContain("People who bridge companies");
    expect(page.text_).toMatch(/Replied to, mentioned or worked with people of 2 other organizations/);
  });

  it("counts no contact made in a direct or followers-only message; a public one counts (control)", async () => {
    const acmeToInitech = async () => pairOf((await a.api(root.token, "GET", "/api/ecotone/v1/insights/collaboration")).body.pairs, a, c);
    const before = await acmeToInitech();
    for (const visibility of ["direct", "private"]) {
      expect((await a.api(olga.token, "POST", "/api/v1/statuses", { status: `${cara.handle} our prices, between us`, visibility })).status).toBe(200);
    }
    expect(await acmeToInitech()).toEqual(before);
    await rebuildInsights(a.app.ctx.db);
    expect(await acmeToInitech()).toEqual(before);
    expect((await a.api(olga.token, "POST", "/api/v1/statuses", { status: `${cara.handle} see you at the fair`, visibility: "public" })).status).toBe(200);
    expect(await acmeToInitech()).toMatchObject({ mentions: before!.mentions + 1 });
  });
});
