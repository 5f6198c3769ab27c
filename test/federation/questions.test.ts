// Questions and answers across three instances: a customer on B asks in A's
// support group, a partner on C and staff on A answer, the asker accepts the
// partner's answer, and every instance shows the same accepted answer,
// "official" and "community" labels and the partner's reputation. A moderator
// at the group's home then changes the accepted answer, and that too reaches
// every instance.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser; // owner of the support group, on A
let sam: TestUser; // staff on A
let bea: TestUser; // customer on B
let cid: TestUser; // partner on C
let drifter: TestUser; // member on C, neither asker nor moderator
const group = () => encodeURIComponent(`@support@${a.host}`);
// The support group's CRM webhook at A, the group's home: what it was told.
const crmEvents: Array<{ type: string; data: any }> = [];
let crm: Server;

async function join(instance: TestInstance, user: TestUser) {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
}

/** The id of the question with `uri` as `instance` knows it, once it has arrived there. */
async function questionOn(instance: TestInstance, user: TestUser, uri: string, check: (q: any) => boolean = () => true) {
  return eventually(async () => {
    const list = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/questions`);
    const found = list.body.items?.find((q: { uri: string }) => q.uri === uri);
    return found && check(found) ? found : null;
  });
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  sam = await a.user("sam");
  bea = await b.user("bea");
  cid = await c.user("cid");
  drifter = await c.user("drifter");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Acme support" })).status).toBe(201);
  await join(a, sam);
  await join(b, bea);
  await join(c, cid);
  await join(c, drifter);
  const port = await freePort();
  crm = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      crmEvents.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => crm.listen(port, "127.0.0.1", resolve));
  const hook = await a.api(olga.token, "POST", "/api/ecotone/v1/webhooks", {
    url: `http://127.0.0.1:${port}/`,
    group: "support",
    events: ["question.asked", "question.answered", "question.accepted"],
  });
  expect(hook.status).toBe(201);
});

afterAll(async () => {
  crm?.close();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("questions and answers across instances", () => {
  let questionUri: string;
  let cidAnswerUri: string;
  let samAnswerUri: string;

  it("a question asked on B reaches A and C as an unanswered question", async () => {
    const asked = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", {
      group: `@support@${a.host}`,
      kind: "question",
      content: "How do I export my invoices to CSV? #billing",
    });
    expect(asked.status).toBe(201);
    expect(asked.body.kind).toBe("question");
    expect(asked.body.question.state).toBe("unanswered");
    questionUri = asked.body.uri;
    for (const [instance, user] of [
      [a, olga],
      [c, cid],
    ] as const) {
      const q = await questionOn(instance, user, questionUri);
      expect(q.state).toBe("unanswered");
      const unanswered = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/questions?state=unanswered`);
      expect(unanswered.body.items.map((i: { uri: string }) => i.uri)).toContain(questionUri);
    }
    // Mastodon apps see it as an ordinary post tagged #question.
    const onC = await questionOn(c, cid, questionUri);
    const status = await c.api(cid.token, "GET", `/api/v1/statuses/${onC.id}`);
    expect(status.body.tags.map((t: { name: string }) => t.name)).toContain("question");
  });

  it("answers from C (community) and A (official) are labelled the same everywhere", async () => {
    const onC = await questionOn(c, cid, questionUri);
    const answer = await c.api(cid.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onC.id, content: "Billing → Invoices → Export, pick CSV." });
    expect(answer.status).toBe(201);
    cidAnswerUri = answer.body.uri;
    const onA = await questionOn(a, sam, questionUri);
    const official = await a.api(sam.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onA.id, content: "Also available from the API: GET /invoices.csv" });
    samAnswerUri = official.body.uri;

    for (const [instance, user] of [
      [a, olga],
      [b, bea],
      [c, cid],
    ] as const) {
      const q = await questionOn(instance, user, questionUri, (found) => found.answerCount === 2);
      expect(q.state).toBe("answered");
      const full = await instance.api(user.token, "GET", `/api/ecotone/v1/questions/${q.id}`);
      const kinds = Object.fromEntries(full.body.answers.map((x: { uri: string; kind: string }) => [x.uri, x.kind]));
      expect(kinds).toEqual({ [cidAnswerUri]: "community", [samAnswerUri]: "official" });
    }
  });

  it("refuses a stranger's acceptance and a non-answer, leaving the question as it was", async () => {
    const onC = await questionOn(c, drifter, questionUri);
    const stranger = await c.api(drifter.token, "POST", `/api/ecotone/v1/posts/${onC.id}/accept`, { answer: cidAnswerUri });
    expect(stranger.status).toBe(403);
    const onB = await questionOn(b, bea, questionUri);
    const notAReply = await b.api(bea.token, "POST", `/api/ecotone/v1/posts/${onB.id}/accept`, { answer: onB.id });
    expect(notAReply.status).toBe(422);
    const missing = await b.api(bea.token, "POST", `/api/ecotone/v1/posts/${onB.id}/accept`, {});
    expect(missing.status).toBe(422);
    // Escalation to a task happens where the board is, at the group's home.
    const elsewhere = await b.api(bea.token, "POST", `/api/ecotone/v1/posts/${onB.id}/escalate`, {});
    expect([elsewhere.status, elsewhere.body.error.message]).toEqual([422, `Escalate this thread on the group's home instance, ${a.host}`]);
    expect((await b.api(bea.token, "GET", `/api/ecotone/v1/questions/${onB.id}`)).body.state).toBe("answered");
  });

  it("the asker accepts the partner's answer: every instance shows it, and the partner's reputation moves", async () => {
    const onB = await questionOn(b, bea, questionUri);
    const cidOnB = (await b.api(bea.token, "GET", `/api/ecotone/v1/questions/${onB.id}`)).body.answers.find((x: { uri: string }) => x.uri === cidAnswerUri);
    const accepted = await b.api(bea.token, "POST", `/api/ecotone/v1/posts/${onB.id}/accept`, { answer: cidOnB.id });
    expect(accepted.status).toBe(200);
    expect(accepted.body.acceptedAnswer.uri).toBe(cidAnswerUri);

    for (const [instance, user] of [
      [a, olga],
      [b, bea],
      [c, cid],
    ] as const) {
      const q = await questionOn(instance, user, questionUri, (found) => found.acceptedAnswer?.uri === cidAnswerUri);
      expect(q.state).toBe("accepted");
      expect(q.acceptedAnswer.kind).toBe("community");
      const acceptedList = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/questions?state=accepted`);
      expect(acceptedList.body.items.map((i: { uri: string }) => i.uri)).toEqual([questionUri]);
      const experts = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/experts?tag=billing`);
      expect(experts.body.items.map((e: { actor: { uri: string }; reputation: number }) => [e.actor.uri, e.reputation])).toEqual([[cid.uri, 10]]);
      // Mastodon and Lemmy see the acceptance as an edit of the question naming the answer.
      const post = await instance.api(user.token, "GET", `/api/ecotone/v1/posts/${q.id}`);
      expect(post.body.contentHtml).toContain(cidAnswerUri);
      expect(post.body.editedAt).not.toBeNull();
    }
  });

  it("suggests the answered question while someone writes a similar one", async () => {
    const similar = await a.api(sam.token, "GET", `/api/ecotone/v1/groups/${group()}/questions/similar?q=${encodeURIComponent("export invoice csv file")}`);
    expect(similar.status).toBe(200);
    expect(similar.body.items.map((i: { uri: string }) => i.uri)).toEqual([questionUri]);
    const unrelated = await a.api(sam.token, "GET", `/api/ecotone/v1/groups/${group()}/questions/similar?q=${encodeURIComponent("password reset")}`);
    expect(unrelated.body.items).toEqual([]);
  });

  it("a moderator at the group's home changes the accepted answer, and every instance follows", async () => {
    const onA = await questionOn(a, olga, questionUri);
    const samOnA = (await a.api(olga.token, "GET", `/api/ecotone/v1/questions/${onA.id}`)).body.answers.find((x: { uri: string }) => x.uri === samAnswerUri);
    const changed = await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${onA.id}/accept`, { answer: samOnA.id });
    expect(changed.status).toBe(200);
    for (const [instance, user] of [
      [a, olga],
      [b, bea],
      [c, cid],
    ] as const) {
      const q = await questionOn(instance, user, questionUri, (found) => found.acceptedAnswer?.uri === samAnswerUri);
      expect(q.acceptedAnswer.kind).toBe("official");
      const experts = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}/experts`);
      expect(experts.body.items.map((e: { actor: { uri: string } }) => e.actor.uri)).toEqual([sam.uri]);
    }
  });

  it("the group's home tells its CRM of questions, answers and acceptances from every instance", async () => {
    await eventually(() => crmEvents.filter((e) => e.type === "question.accepted").length === 2);
    const summary = (type: string) =>
      crmEvents.filter((e) => e.type === type).map((e) => [e.data.question.uri, e.data.answer?.uri ?? null, e.data.answer?.kind ?? null]);
    expect(summary("question.asked")).toEqual([[questionUri, null, null]]);
    // The two answers arrive in either order (one came from C through the group).
    expect(summary("question.answered").sort()).toEqual(
      [
        [questionUri, cidAnswerUri, "community"],
        [questionUri, samAnswerUri, "official"],
      ].sort(),
    );
    expect(summary("question.accepted")).toEqual([
      [questionUri, cidAnswerUri, "community"],
      [questionUri, samAnswerUri, "official"],
    ]);
    expect(crmEvents[0]!.data.question.author.handle).toBe(bea.handle);
  });
});
