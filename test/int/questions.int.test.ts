// Questions on one instance: what is refused (with the question list left as
// it was), and what happens when the accepted answer is deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let olga: TestUser;
let bea: TestUser;
let outsider: TestUser;

const questions = async (state = "") =>
  (await a.api(olga.token, "GET", `/api/ecotone/v1/groups/support/questions${state ? `?state=${state}` : ""}`)).body.items as Array<{
    id: string;
    state: string;
  }>;

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bea = await a.user("bea");
  outsider = await a.user("outsider");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support", joinPolicy: "approval" });
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups/support/invites", { target: bea.handle });
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/join");
});

afterAll(async () => {
  await a?.close();
});

describe("asking", () => {
  it("refuses questions without a group, of an unknown kind, empty, or from a non-member", async () => {
    const cases: Array<[TestUser, unknown, number]> = [
      [bea, { kind: "question", content: "No group given" }, 422],
      [bea, { group: "support", kind: "poll", content: "Which kind?" }, 422],
      [bea, { group: "support", kind: "question", content: "" }, 422],
      [outsider, { group: "support", kind: "question", content: "Let me in" }, 403],
      [bea, { group: "nowhere", kind: "question", content: "Hello?" }, 404],
    ];
    for (const [user, body, status] of cases) {
      const res = await a.api(user.token, "POST", "/api/ecotone/v1/posts", body);
      expect([body, res.status]).toEqual([body, status]);
    }
    expect(await questions()).toEqual([]);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/questions?state=open")).status).toBe(422);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/questions/similar?q=a")).status).toBe(422);
  });
});

describe("acceptance", () => {
  it("a deleted accepted answer leaves the question answered, not accepted", async () => {
    const q = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "Can I pay by invoice?" });
    const first = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: q.body.id, content: "Yes, from 500 EUR" });
    const second = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: q.body.id, content: "Ask billing@ for terms" });
    // The asker's own follow-up is not an answer.
    await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: q.body.id, content: "Thanks, checking" });
    const accepted = await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${q.body.id}/accept`, { answer: first.body.id });
    expect([accepted.body.state, accepted.body.answerCount]).toEqual(["accepted", 2]);
    expect((await questions("accepted")).map((x) => x.id)).toEqual([q.body.id]);

    expect((await a.api(olga.token, "DELETE", `/api/ecotone/v1/posts/${first.body.id}`)).status).toBe(204);
    expect(await questions("accepted")).toEqual([]);
    expect((await questions("answered")).map((x) => x.id)).toEqual([q.body.id]);
    const after = await a.api(bea.token, "GET", `/api/ecotone/v1/questions/${q.body.id}`);
    expect([after.body.state, after.body.acceptedAnswer, after.body.answers.map((x: { id: string }) => x.id)]).toEqual(["answered", null, [second.body.id]]);
    // Accepting again works, and accepting the same answer twice changes nothing.
    await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${q.body.id}/accept`, { answer: second.body.id });
    const history = (await a.api(bea.token, "GET", `/api/ecotone/v1/posts/${q.body.id}/history`)).body.items.length;
    const same = await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${q.body.id}/accept`, { answer: second.body.id });
    expect(same.body.acceptedAnswer.id).toBe(second.body.id);
    expect((await a.api(bea.token, "GET", `/api/ecotone/v1/posts/${q.body.id}/history`)).body.items.length).toBe(history);
  });
});

describe("a direct reply to a question", () => {
  it("cannot be accepted as its answer (a private word is neither credited nor sent to the group's webhooks); a reply in the group can", async () => {
    const q = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "How do I reach the staging box?" });
    const direct = await a.api(olga.token, "POST", "/api/v1/statuses", {
      status: "@bea between us: the root password is hunter2",
      in_reply_to_id: q.body.id,
      visibility: "direct",
    });
    expect(direct.body.visibility).toBe("direct");
    const refused = await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${q.body.id}/accept`, { answer: direct.body.id });
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toContain("not a direct reply");
    const after = await a.api(bea.token, "GET", `/api/ecotone/v1/questions/${q.body.id}`);
    expect([after.body.state, after.body.acceptedAnswer]).toEqual(["unanswered", null]);
    expect(JSON.stringify(after.body)).not.toContain("hunter2");
    // The control: the same words as a reply in the group are accepted.
    const inGroup = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: q.body.id, content: "Through the VPN, ask IT for access" });
    expect((await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${q.body.id}/accept`, { answer: inGroup.body.id })).body.state).toBe("accepted");
  });
});
