// What a CRM or ticketing integration relies on: Idempotency-Key on POSTs
// (a retry never creates twice), externalRef on posts and tasks with lookup,
// and escalating a thread to a task, linked both ways with the asker told.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let olga: TestUser; // owner of the support group
let bea: TestUser; // a customer, member
let other: TestUser;

async function post(user: TestUser, path: string, body: unknown, key?: string) {
  const response = await fetch(new URL(path, a.origin), {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, replayed: response.headers.get("idempotent-replayed"), body: text ? JSON.parse(text) : null };
}

async function groupPostCount(): Promise<number> {
  return (await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/posts")).body.items.length;
}

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bea = await a.user("bea");
  other = await a.user("other");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support" });
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/join");
  await a.api(other.token, "POST", "/api/ecotone/v1/groups/support/join");
});

afterAll(async () => {
  await a?.close();
});

describe("Idempotency-Key", () => {
  it("a repeated POST with the same key and body creates one post and answers the same", async () => {
    const body = { group: "support", content: "Created by the CRM" };
    const first = await post(bea, "/api/ecotone/v1/posts", body, "crm-7f3a");
    expect(first.status).toBe(201);
    const second = await post(bea, "/api/ecotone/v1/posts", body, "crm-7f3a");
    expect(second.status).toBe(201);
    expect(second.replayed).toBe("true");
    expect(second.body.id).toBe(first.body.id);
    expect(await groupPostCount()).toBe(1);
  });

  it("the same key with a different body is a 422 and creates nothing", async () => {
    const res = await post(bea, "/api/ecotone/v1/posts", { group: "support", content: "Something else" }, "crm-7f3a");
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/different request/);
    expect(await groupPostCount()).toBe(1);
  });

  it("keys belong to a caller, remember refusals too, and are checked for shape", async () => {
    // Another user may use the same key for their own request.
    const theirs = await post(other, "/api/ecotone/v1/posts", { group: "support", content: "Mine" }, "crm-7f3a");
    expect(theirs.status).toBe(201);
    expect(theirs.replayed).toBeNull();
    // A refused request answers the same refusal again.
    const refused = await post(bea, "/api/ecotone/v1/posts", { group: "nope", content: "x" }, "crm-404");
    expect(refused.status).toBe(404);
    const again = await post(bea, "/api/ecotone/v1/posts", { group: "nope", content: "x" }, "crm-404");
    expect([again.status, again.replayed]).toEqual([404, "true"]);
    expect((await post(bea, "/api/ecotone/v1/posts", { group: "support", content: "x" }, "has space")).status).toBe(422);
    expect(await groupPostCount()).toBe(2);
  });

  it("works on any POST of the API: a task is opened once", async () => {
    const body = { title: "Call back ACME", externalRef: { system: "hubspot", id: "T-1" } };
    const first = await post(olga, "/api/ecotone/v1/groups/support/tasks", body, "task-1");
    const second = await post(olga, "/api/ecotone/v1/groups/support/tasks", body, "task-1");
    expect([first.status, second.status, second.body.id]).toEqual([201, 201, first.body.id]);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/tasks")).body.tasks.length).toBe(1);
  });
});

describe("externalRef", () => {
  it("is kept on posts and tasks and finds the task again", async () => {
    const created = await post(bea, "/api/ecotone/v1/posts", {
      group: "support",
      kind: "question",
      content: "Our order 4711 is late",
      externalRef: { system: "Zendesk", id: "4711", url: "https://acme.zendesk.com/agent/tickets/4711" },
    });
    expect(created.status).toBe(201);
    expect(created.body.externalRef).toEqual({ system: "zendesk", id: "4711", url: "https://acme.zendesk.com/agent/tickets/4711" });
    expect((await a.api(bea.token, "GET", `/api/ecotone/v1/posts/${created.body.id}`)).body.externalRef.id).toBe("4711");

    const found = await a.api(olga.token, "GET", "/api/ecotone/v1/tasks?externalRef=hubspot:T-1");
    expect(found.status).toBe(200);
    expect(found.body.items.map((t: { title: string; externalRef: { id: string } }) => [t.title, t.externalRef.id])).toEqual([["Call back ACME", "T-1"]]);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/tasks?externalRef=hubspot:T-2")).body.items).toEqual([]);
  });

  it("refuses malformed references and a second object for one record, leaving data intact", async () => {
    const before = await groupPostCount();
    for (const ref of ["zendesk:1", { system: "", id: "1" }, { system: "zendesk" }, { system: "zendesk", id: "1", url: "javascript:alert(1)" }]) {
      const res = await post(bea, "/api/ecotone/v1/posts", { group: "support", content: "bad ref", externalRef: ref });
      expect([ref, res.status]).toEqual([ref, 422]);
    }
    const duplicate = await post(bea, "/api/ecotone/v1/posts", { group: "support", content: "again", externalRef: { system: "zendesk", id: "4711" } });
    expect(duplicate.status).toBe(409);
    const duplicateTask = await post(olga, "/api/ecotone/v1/groups/support/tasks", { title: "Twice", externalRef: { system: "hubspot", id: "T-1" } });
    expect(duplicateTask.status).toBe(409);
    expect(await groupPostCount()).toBe(before);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/groups/support/tasks")).body.tasks.length).toBe(1);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/tasks?externalRef=nocolon")).status).toBe(422);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/tasks")).status).toBe(422);
  });
});

describe("escalation", () => {
  it("turns a thread into a task on the group's board, linked both ways, and tells the asker", async () => {
    const question = await post(bea, "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "The export crashes on large files" });
    expect((await post(bea, `/api/ecotone/v1/posts/${question.body.id}/escalate`, {})).status).toBe(403); // not a moderator
    const escalated = await post(olga, `/api/ecotone/v1/posts/${question.body.id}/escalate`, { title: "Export crashes on large files" });
    expect(escalated.status).toBe(201);
    const task = escalated.body.task;
    expect(task.title).toBe("Export crashes on large files");
    expect(task.escalatedFrom).toEqual({ postId: question.body.id, postUri: question.body.uri });
    expect(task.description).toContain(question.body.uri);
    expect((await a.api(olga.token, "GET", `/api/ecotone/v1/tasks/${task.id}`)).body.escalatedFrom.postId).toBe(question.body.id);
    const thread = await a.api(bea.token, "GET", `/api/ecotone/v1/posts/${question.body.id}`);
    expect(thread.body.escalatedTo).toEqual({ taskId: task.id, taskUri: task.uri });
    const replies = (await a.api(bea.token, "GET", `/api/ecotone/v1/posts/${question.body.id}/thread`)).body.items;
    expect(replies.some((p: { contentHtml: string }) => p.contentHtml.includes(task.uri))).toBe(true);
    await eventually(async () => {
      const notes = await a.api(bea.token, "GET", "/api/v1/notifications?types[]=mention");
      return notes.body.some((n: { status: { content: string } }) => n.status.content.includes(task.uri));
    });
    // The asker hears of the task's progress too.
    await a.api(olga.token, "POST", `/api/ecotone/v1/tasks/${task.id}/status`, { status: "in_progress" });
    await eventually(async () => {
      const notes = await a.api(bea.token, "GET", "/api/v1/notifications?types[]=mention");
      return notes.body.some((n: { status: { content: string } }) => /In progress/i.test(n.status.content));
    });
    // Once is enough.
    expect((await post(olga, `/api/ecotone/v1/posts/${question.body.id}/escalate`, {})).status).toBe(409);
    expect((await post(olga, "/api/ecotone/v1/posts/1234567890123456789/escalate", {})).status).toBe(404);
  });
});
