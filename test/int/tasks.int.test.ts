// A task board on one instance: its rules (who may do what), its statuses,
// my tasks with due dates, and what other servers see of a task — the
// ForgeFed Ticket and the companion Note a Mastodon user reads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let peer: FakePeer;
let owner: TestUser;
let member: TestUser;
let helper: TestUser;
let stranger: TestUser;

const api = (user: TestUser, method: string, path: string, body?: unknown) => a.api(user.token, method, `/api/ecotone/v1${path}`, body);

beforeAll(async () => {
  a = await startInstance();
  peer = await startFakePeer();
  owner = await a.user("owner");
  member = await a.user("member");
  helper = await a.user("helper");
  stranger = await a.user("stranger");
  expect((await api(owner, "POST", "/groups", { slug: "ops", name: "Operations" })).status).toBe(201);
  for (const user of [member, helper]) expect((await api(user, "POST", "/groups/ops/join")).status).toBeLessThan(300);
});

afterAll(async () => {
  await a?.close();
  await peer?.close();
});

describe("task rules", () => {
  it("validates what a task holds", async () => {
    const bad = [
      [{ title: "" }, "title"],
      [{ title: "x", due: "31/12/2026" }, "due"],
      [{ title: "x", due: "2026-02-30" }, "due"],
      [{ title: "x", priority: "asap" }, "priority"],
      [{ title: "x", dependsOn: ["https://nowhere.example/tasks/1"] }, "dependsOn"],
      [{ title: "x", labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }, "labels"],
    ] as const;
    for (const [body, field] of bad) {
      const res = await api(member, "POST", "/groups/ops/tasks", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.details?.field ?? field).toBe(field);
    }
    expect((await api(owner, "GET", "/groups/ops/tasks")).body.tasks).toHaveLength(0);
  });

  it("lets members open tasks, assignees and moderators move them, and only moderators delete", async () => {
    const first = await api(member, "POST", "/groups/ops/tasks", { title: "Order labels", due: "2099-01-01" });
    expect(first.status).toBe(201);
    const second = await api(member, "POST", "/groups/ops/tasks", { title: "Print labels", dependsOn: [first.body.id] });
    expect(second.body.dependsOn).toEqual([first.body.uri]);

    expect((await api(stranger, "POST", "/groups/ops/tasks", { title: "Not mine" })).status).toBe(403);
    // Neither author nor assignee may move it before being assigned.
    expect((await api(member, "POST", `/tasks/${first.body.id}/status`, { status: "in_progress" })).status).toBe(403);
    // A member on this instance is assigned at once (no consent step inside one company).
    const assigned = await api(member, "POST", `/tasks/${first.body.id}/assignees`, { assignee: "@helper@" + a.host });
    expect(assigned.body.assignees).toEqual([expect.objectContaining({ state: "accepted" })]);
    expect((await api(helper, "POST", `/tasks/${first.body.id}/status`, { status: "in_progress" })).body.status).toBe("in_progress");
    expect((await api(owner, "POST", `/tasks/${first.body.id}/status`, { status: "nope" })).status).toBe(422);

    expect((await api(member, "DELETE", `/tasks/${second.body.id}`)).status).toBe(403);
    expect((await api(owner, "DELETE", `/tasks/${second.body.id}`)).status).toBe(204);
    expect((await api(owner, "GET", `/tasks/${second.body.id}`)).status).toBe(404);

    const history = await api(owner, "GET", `/tasks/${first.body.id}/history`);
    expect(history.body.items.map((h: { field: string }) => h.field)).toEqual(["created", "assigned", "status"]);
  });

  it("lets the group rename and add statuses, but not drop one still in use", async () => {
    const statuses = [
      { key: "open", label: "To do" },
      { key: "in_progress", label: "Doing" },
      { key: "review", label: "In review" },
      { key: "done", label: "Done", closed: true },
    ];
    expect((await api(member, "PUT", "/groups/ops/tasks/statuses", { statuses })).status).toBe(403);
    const saved = await api(owner, "PUT", "/groups/ops/tasks/statuses", { statuses });
    expect(saved.status).toBe(200);
    const board = await api(member, "GET", "/groups/ops/tasks");
    expect(board.body.statuses.map((s: { label: string }) => s.label)).toEqual(["To do", "Doing", "In review", "Done"]);
    const task = board.body.tasks[0];
    expect((await api(helper, "POST", `/tasks/${task.id}/status`, { status: "review" })).body.statusLabel).toBe("In review");
    const dropping = await api(owner, "PUT", "/groups/ops/tasks/statuses", { statuses: statuses.filter((s) => s.key !== "review") });
    expect(dropping.status).toBe(422);
  });

  it("lists my tasks across groups, soonest due first, flagging the overdue", async () => {
    await api(owner, "POST", "/groups", { slug: "audit", name: "Audit" });
    await api(helper, "POST", "/groups/audit/join");
    const late = await api(owner, "POST", "/groups/audit/tasks", { title: "File last year's report", due: "2020-06-30", assignees: [`@helper@${a.host}`] });
    expect(late.status).toBe(201);
    const mine = await api(helper, "GET", "/me/tasks");
    expect(mine.body.items.map((t: { title: string; overdue: boolean }) => [t.title, t.overdue])).toEqual([
      ["File last year's report", true],
      ["Order labels", false],
    ]);
    expect((await api(helper, "GET", "/me/tasks?overdue=true")).body.items).toHaveLength(1);
    expect((await api(helper, "GET", "/me/tasks?due_before=2030-01-01")).body.items).toHaveLength(1);
    expect((await api(helper, "GET", "/me/tasks?status=review")).body.items.map((t: { title: string }) => t.title)).toEqual(["Order labels"]);
    expect((await api(stranger, "GET", "/me/tasks")).body.items).toEqual([]);
  });
});

describe("what other servers see", () => {
  it("serves the task as a ForgeFed Ticket", async () => {
    const task = (await api(owner, "GET", "/groups/ops/tasks")).body.tasks.find((t: { title: string }) => t.title === "Order labels");
    const res = await fetch(task.uri, { headers: { accept: "application/activity+json" } });
    expect(res.status).toBe(200);
    const ticket = (await res.json()) as Record<string, unknown>;
    expect(ticket["@context"]).toEqual(expect.arrayContaining(["https://www.w3.org/ns/activitystreams", "https://forgefed.org/ns"]));
    expect(ticket).toMatchObject({
      type: "Ticket",
      id: task.uri,
      summary: "Order labels",
      isResolved: false,
      assignedTo: [helper.uri],
      audience: `${a.origin}/users/ops`,
      context: `${a.origin}/users/ops/tasks`,
      version: task.version,
      status: "review",
    });
  });

  it("gives every task a companion Note a Mastodon user can read, with a checklist and the assignee mentioned", async () => {
    const task = (await api(owner, "GET", "/groups/ops/tasks")).body.tasks.find((t: { title: string }) => t.title === "Order labels");
    const note = await (await fetch(task.noteUri, { headers: { accept: "application/activity+json" } })).json();
    // The shape Mastodon reads: a Note with HTML content, a Mention tag per person, public addressing.
    expect(note).toMatchObject({ type: "Note", id: task.noteUri, attributedTo: `${a.origin}/users/ops` });
    expect(note.content).toMatch(/☐ Task: Order labels/);
    expect(note.content).toContain("Due 2099-01-01");
    expect(note.content).toContain(`class="u-url mention"`);
    expect([note.tag].flat()).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Mention", href: helper.uri })]));
    // Fedify compacts Public to "as:Public", which Mastodon reads as well.
    expect([note.to, note.cc].flat().some((x: string) => /^(as:|https:\/\/www\.w3\.org\/ns\/activitystreams#)Public$/.test(x))).toBe(true);

    // In the Mastodon API the task is a status with that checklist; when done, the box is ticked.
    await api(helper, "POST", `/tasks/${task.id}/status`, { status: "done" });
    const status = await a.api(helper.token, "GET", `/api/v1/statuses/${task.noteId}`);
    expect(status.status).toBe(200);
    expect(status.body.content).toMatch(/☑ Task: Order labels/);
    expect(status.body.mentions.map((m: { acct: string }) => m.acct)).toContain("helper");
    // …and the status change is a reply in its thread.
    const context = await a.api(helper.token, "GET", `/api/v1/statuses/${task.noteId}/context`);
    expect(context.body.descendants.map((s: { content: string }) => s.content).join(" ")).toContain("Done");
  });

  it("refuses task activities that are unsigned or signed by someone else, and changes nothing", async () => {
    const task = (await api(owner, "GET", "/groups/ops/tasks")).body.tasks.find((t: { title: string }) => t.title === "Order labels");
    const mallory = await peer.addActor("mallory");
    const forged = {
      "@context": ["https://www.w3.org/ns/activitystreams", "https://forgefed.org/ns"],
      id: `${peer.origin}/activities/forged-1`,
      type: "Update",
      actor: `${a.origin}/users/owner`,
      object: { type: "Ticket", id: task.uri, summary: "Hijacked", version: task.version },
    };
    const unsigned = await fetch(`${a.origin}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify(forged),
    });
    expect(unsigned.status).toBe(401);
    // Signed by a real key, but not the key of the actor the activity names.
    const wrongSigner = await peer.post(`${a.origin}/inbox`, forged, mallory.keyId);
    expect(wrongSigner.status).toBe(401);
    // Signed properly by someone who is not a member.
    // The home takes the POST (202) and answers with a Reject saying why.
    const outsider = await peer.post(`${a.origin}/inbox`, { ...forged, id: `${peer.origin}/activities/forged-2`, actor: mallory.uri }, mallory.keyId);
    expect(outsider.status).toBe(202);
    const reject = (await eventually(() => peer.received.find((r) => r.activity.object === `${peer.origin}/activities/forged-2`)))!;
    expect(reject.activity).toMatchObject({ type: "Reject", actor: `${a.origin}/users/ops`, refusal: "forbidden" });
    const after = await api(owner, "GET", `/tasks/${task.id}`);
    expect(after.body.title).toBe("Order labels");
    expect(after.body.version).toBe(task.version);
  });

  it("answers a malformed Ticket with a clear error", async () => {
    const mallory = await peer.addActor("mallory2");
    const res = await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${peer.origin}/activities/offer-1`,
        type: "Offer",
        actor: mallory.uri,
        object: { type: "Ticket", summary: 42 },
        audience: `${a.origin}/users/ops`,
      },
      mallory.keyId,
    );
    expect(res.status).toBe(202);
    const reject = (await eventually(() => peer.received.find((r) => r.activity.object === `${peer.origin}/activities/offer-1`)))!;
    expect(reject.activity.type).toBe("Reject");
    expect(["forbidden", "validation_failed"]).toContain(reject.activity.refusal);
    expect(String(reject.activity.summary)).not.toBe("");
    await eventually(async () => (await api(owner, "GET", "/groups/ops/tasks")).body.tasks.length === 1);
  });
});
