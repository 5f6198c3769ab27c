// Shared tasks across three companies: the "deliveries" group lives on A
// (Acme); a buyer on B opens a task there and assigns a planner on C, who
// must accept first; status changes and comments look the same on A, B and
// C; a stale edit is refused with a conflict; outsiders see nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startFakePeer } from "../helpers/fake-peer.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";
import { refuseUnansweredChanges } from "../../src/services/tasks/task-change.service.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let mod: TestUser; // owner of the group, on A
let buyer: TestUser; // on B
let planner: TestUser; // on C
let outsider: TestUser; // on A, not a member
const group = () => encodeURIComponent(`@deliveries@${a.host}`);

async function join(instance: TestInstance, user: TestUser) {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
}

interface TaskBody {
  id: string;
  uri: string;
  version: number;
  status: string;
  closed: boolean;
  title: string;
  assignees: Array<{ actor: { uri: string }; state: string }>;
  history: Array<{ field: string; actor: string; to: string | null }>;
  noteId: string | null;
  overdue: boolean;
}

interface ChangeBody {
  id: string;
  kind: string;
  state: "pending" | "accepted" | "refused";
  taskUri: string | null;
  taskId: string | null;
  refusal: { code: string; message: string } | null;
}

/**
 * A change to a task of a group on another instance answers 202 at once,
 * pending; the home's Accept or Reject settles it.
 */
async function settled(instance: TestInstance, user: TestUser, res: { status: number; body: { change: ChangeBody } }): Promise<ChangeBody> {
  expect(res.status).toBe(202);
  expect(res.body.change.state).toBe("pending");
  const found = await eventually(async () => {
    const now = await instance.api(user.token, "GET", `/api/ecotone/v1/task-changes/${res.body.change.id}`);
    return now.status === 200 && now.body.change.state !== "pending" ? (now.body.change as ChangeBody) : undefined;
  });
  return found!;
}

/** The task as one instance shows it, once `ready` holds there. */
async function taskOn(instance: TestInstance, user: TestUser, uri: string, ready: (t: TaskBody) => boolean = () => true): Promise<TaskBody> {
  const found = await eventually(async () => {
    const res = await instance.api(user.token, "GET", `/api/ecotone/v1/tasks/${encodeURIComponent(uri)}`);
    return res.status === 200 && ready(res.body) ? (res.body as TaskBody) : undefined;
  });
  return found!;
}

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  mod = await a.user("mod");
  outsider = await a.user("outsider");
  buyer = await b.user("buyer");
  planner = await c.user("planner");
  const created = await a.api(mod.token, "POST", "/api/ecotone/v1/groups", {
    slug: "deliveries",
    name: "Deliveries",
    visibility: "members_only",
  });
  expect(created.status).toBe(201);
  await join(b, buyer);
  await join(c, planner);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("shared tasks across three instances", () => {
  let uri: string;

  it("opens a task from B in A's group; A holds it and C gets a copy", async () => {
    const opened = await b.api(buyer.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, {
      title: "Check pallet counts for PO-1182",
      description: "Count before the truck leaves.",
      priority: "high",
      due: "2020-01-31",
      labels: ["logistics"],
    });
    const change = await settled(b, buyer, opened);
    expect(change).toMatchObject({ kind: "create", state: "accepted", refusal: null });
    uri = change.taskUri!;
    expect(new URL(uri).host).toBe(a.host);
    const onB = await taskOn(b, buyer, uri);
    expect(onB.id).toBe(change.taskId);
    expect((onB as unknown as { home: boolean }).home).toBe(false);
    expect(onB.version).toBe(1);
    expect(onB.overdue).toBe(true);

    const onA = await taskOn(a, mod, uri);
    expect(onA.title).toBe("Check pallet counts for PO-1182");
    expect((onA as unknown as { home: boolean }).home).toBe(true);
    expect(onA.history[0]).toMatchObject({ field: "created", actor: buyer.uri });
    await taskOn(c, planner, uri);
  });

  it("assigning a planner on C waits for the planner's consent, then shows everywhere", async () => {
    const assigned = await b.api(buyer.token, "POST", `/api/ecotone/v1/tasks/${encodeURIComponent(uri)}/assignees`, {
      assignee: planner.handle,
    });
    expect((await settled(b, buyer, assigned)).state).toBe("accepted");
    const onB = await taskOn(b, buyer, uri, (t) => t.assignees.length === 1);
    expect(onB.assignees).toEqual([expect.objectContaining({ state: "pending", actor: expect.objectContaining({ uri: planner.uri }) })]);

    // The planner's own instance lists it among their tasks, waiting for an answer.
    const mine = await eventually(async () => {
      const res = await c.api(planner.token, "GET", "/api/ecotone/v1/me/tasks");
      return res.body.items?.length === 1 ? res.body.items : undefined;
    });
    expect(mine[0].assignees[0].state).toBe("pending");

    const accepted = await c.api(planner.token, "POST", `/api/ecotone/v1/tasks/${mine[0].id}/assignment/accept`);
    expect((await settled(c, planner, accepted)).state).toBe("accepted");
    expect((await taskOn(c, planner, uri)).assignees[0]!.state).toBe("accepted");

    for (const [instance, user] of [
      [a, mod],
      [b, buyer],
      [c, planner],
    ] as const) {
      const seen = await taskOn(instance, user, uri, (t) => t.assignees[0]?.state === "accepted");
      expect(seen.assignees.map((x) => x.actor.uri)).toEqual([planner.uri]);
    }
    // The assignment was announced in the task's thread, mentioning the planner.
    const notes = await eventually(async () => {
      const res = await c.api(planner.token, "GET", "/api/v1/notifications?types[]=mention");
      return res.body.length > 0 ? res.body : undefined;
    });
    expect(notes[0].status.content).toContain("planner");
  });

  it("the assignee moves it to done; status and comments read the same on A, B and C", async () => {
    const onC = await taskOn(c, planner, uri);
    const moved = await c.api(planner.token, "POST", `/api/ecotone/v1/tasks/${onC.id}/status`, { status: "done" });
    expect((await settled(c, planner, moved)).state).toBe("accepted");
    expect(await taskOn(c, planner, uri)).toMatchObject({ status: "done", closed: true });

    const comment = await b.api(buyer.token, "POST", `/api/ecotone/v1/tasks/${encodeURIComponent(uri)}/comments`, {
      content: "Counted 42 pallets, thanks!",
    });
    expect(comment.status).toBe(201);

    const views = [];
    for (const [instance, user] of [
      [a, mod],
      [b, buyer],
      [c, planner],
    ] as const) {
      const seen = await taskOn(instance, user, uri, (t) => t.closed);
      const comments = await eventually(async () => {
        const res = await instance.api(user.token, "GET", `/api/ecotone/v1/tasks/${seen.id}/comments`);
        const texts = (res.body.items ?? []).map((p: { contentHtml: string }) => p.contentHtml);
        return texts.some((t: string) => t.includes("42 pallets")) ? texts : undefined;
      });
      expect(comments.join(" ")).toContain("Done");
      views.push({ status: seen.status, version: seen.version, history: seen.history.map((h) => `${h.field}:${h.to}`), overdue: seen.overdue });
    }
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(views[0]!.overdue).toBe(false);
    expect(views[0]!.history).toContain("status:done");
  });

  it("refuses a stale edit with a conflict, from another instance as from home", async () => {
    const current = await taskOn(b, buyer, uri);
    const first = await b.api(buyer.token, "PATCH", `/api/ecotone/v1/tasks/${current.id}`, {
      version: current.version,
      title: "Check pallet counts for PO-1182 (and PO-1183)",
    });
    expect((await settled(b, buyer, first)).state).toBe("accepted");
    expect((await taskOn(b, buyer, uri)).version).toBe(current.version + 1);

    const onA = await taskOn(a, mod, uri, (t) => t.version === current.version + 1);
    // The moderator on A edits from the same old version: refused, nothing overwritten.
    const stale = await a.api(mod.token, "PATCH", `/api/ecotone/v1/tasks/${onA.id}`, { version: current.version, title: "Something else" });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("conflict");
    // The planner on C, also with the old version: the home refuses, C says so.
    const onC = await taskOn(c, planner, uri);
    const staleRemote = await c.api(planner.token, "PATCH", `/api/ecotone/v1/tasks/${onC.id}`, { version: current.version, priority: "low" });
    const refused = await settled(c, planner, staleRemote);
    expect(refused).toMatchObject({ state: "refused", refusal: { code: "conflict" } });
    // The planner's task page says what the home answered.
    const browser = new WebVisitor(c.origin);
    await browser.signIn(planner.username, "correct horse battery staple");
    const page = await browser.get(`/tasks/${onC.id}`);
    expect(page.text_).toContain(`${a.host} refused your edit change`);
    const after = await taskOn(a, mod, uri);
    expect(after.title).toBe("Check pallet counts for PO-1182 (and PO-1183)");
    expect((after as unknown as { priority: string }).priority).toBe("high");
  });

  it("keeps the tasks of a members-only group from non-members, by API and by signed fetch", async () => {
    const onA = await taskOn(a, mod, uri);
    expect((await a.api(outsider.token, "GET", `/api/ecotone/v1/tasks/${onA.id}`)).status).toBe(404);
    expect((await a.api(outsider.token, "GET", `/api/ecotone/v1/groups/deliveries/tasks`)).status).toBe(404);
    expect((await a.api(outsider.token, "POST", `/api/ecotone/v1/tasks/${onA.id}/status`, { status: "open" })).status).toBe(404);
    // The group itself is listed, so opening a task there says why it is refused.
    expect((await a.api(outsider.token, "POST", `/api/ecotone/v1/groups/deliveries/tasks`, { title: "Sneak in" })).status).toBe(403);
    expect((await a.api(mod.token, "GET", `/api/ecotone/v1/groups/deliveries/tasks`)).body.tasks).toHaveLength(1);
    // An unsigned ActivityPub fetch learns nothing either.
    const fetched = await fetch(uri, { headers: { accept: "application/activity+json" } });
    expect(fetched.status).toBe(404);
    // A member without a role cannot change the status of a task they are not assigned to.
    const onB = await taskOn(b, buyer, uri);
    const denied = await b.api(buyer.token, "POST", `/api/ecotone/v1/tasks/${onB.id}/status`, { status: "open" });
    expect(await settled(b, buyer, denied)).toMatchObject({ state: "refused", refusal: { code: "forbidden" } });
    expect((await taskOn(a, mod, uri)).status).toBe("done");
  });

  it("a task deleted at home disappears from the members' instances", async () => {
    const created = await a.api(mod.token, "POST", `/api/ecotone/v1/groups/deliveries/tasks`, { title: "Return the empty crates" });
    expect(created.status).toBe(201);
    const doomed = created.body.uri as string;
    await taskOn(b, buyer, doomed);
    await taskOn(c, planner, doomed);
    expect((await a.api(mod.token, "DELETE", `/api/ecotone/v1/tasks/${created.body.id}`)).status).toBe(204);
    for (const [instance, user] of [
      [b, buyer],
      [c, planner],
    ] as const) {
      await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/tasks/${encodeURIComponent(doomed)}`)).status === 404);
    }
    // The other task is still everywhere.
    expect((await taskOn(b, buyer, uri)).status).toBe("done");
    expect((await taskOn(c, planner, uri)).status).toBe("done");
  });

  it("a change waits while the home is down, only the home can settle it, and it goes through once the home is back", async () => {
    const onB = await taskOn(b, buyer, uri);
    const peer = await startFakePeer();
    let changeId = "";
    let newTaskChange = "";
    await a.stop();
    try {
      // The buyer takes the task himself: B answers at once, pending.
      const sent = await b.api(buyer.token, "POST", `/api/ecotone/v1/tasks/${onB.id}/assignees`, { assignee: buyer.handle });
      expect(sent.status).toBe(202);
      changeId = sent.body.change.id;
      const row = await b.app.ctx.db.selectFrom("task_changes").select(["activity_uri"]).where("id", "=", changeId).executeTakeFirstOrThrow();
      // Someone who learned the change's id answers for the home: refused, the change still waits.
      const stranger = await peer.addActor("stranger");
      const forged = await peer.post(
        `${b.origin}/inbox`,
        {
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${peer.origin}/activities/fake-accept`,
          type: "Accept",
          actor: stranger.uri,
          object: row.activity_uri,
        },
        stranger.keyId,
      );
      expect(forged.status).toBe(403);
      expect((await b.api(buyer.token, "GET", `/api/ecotone/v1/task-changes/${changeId}`)).body.change.state).toBe("pending");
      // A task opened meanwhile shows on B's board as waiting for A.
      const opened = await b.api(buyer.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, { title: "Book the night shift" });
      expect(opened.status).toBe(202);
      newTaskChange = opened.body.change.id;
      const browser = new WebVisitor(b.origin);
      await browser.signIn(buyer.username);
      expect((await browser.get(`/g/${group()}/tasks`)).text_).toContain(`Book the night shift: waiting for ${a.host} to confirm`);
    } finally {
      await a.start();
      await peer.close();
    }
    // The outbox retries under the one retry policy until the home answers.
    const outcome = await eventually(async () => {
      const now = await b.api(buyer.token, "GET", `/api/ecotone/v1/task-changes/${changeId}`);
      return now.body.change.state !== "pending" ? now.body.change : undefined;
    }, 50_000);
    expect(outcome.state).toBe("accepted");
    const opened = await eventually(async () => {
      const now = await b.api(buyer.token, "GET", `/api/ecotone/v1/task-changes/${newTaskChange}`);
      return now.body.change.state !== "pending" ? now.body.change : undefined;
    }, 50_000);
    expect(opened).toMatchObject({ state: "accepted", kind: "create" });
    const mine = await taskOn(b, buyer, uri, (t) => t.assignees.some((x) => x.actor.uri === buyer.uri));
    expect(mine.assignees.find((x) => x.actor.uri === buyer.uri)!.state).toBe("accepted");
  });

  it("a change its home never answers is refused after a week, says why, and is not sent afterwards", async () => {
    await a.stop();
    try {
      const opened = await b.api(buyer.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, { title: "Order the lost pallets" });
      expect(opened.status).toBe(202);
      const changeId = opened.body.change.id as string;
      // Control: a change made just now is not overdue.
      expect(await refuseUnansweredChanges(b.app.ctx, new Date())).toBe(0);
      expect((await b.api(buyer.token, "GET", `/api/ecotone/v1/task-changes/${changeId}`)).body.change.state).toBe("pending");
      // Eight days on, nobody has answered.
      expect(await refuseUnansweredChanges(b.app.ctx, new Date(Date.now() + 8 * 24 * 3600_000))).toBeGreaterThanOrEqual(1);
      const refused = (await b.api(buyer.token, "GET", `/api/ecotone/v1/task-changes/${changeId}`)).body.change as ChangeBody;
      expect(refused.state).toBe("refused");
      expect(refused.refusal).toEqual({ code: "unavailable", message: expect.stringMatching(new RegExp(`${a.host} did not answer within 7 days`)) });
    } finally {
      await a.start();
    }
    // Once the home is back, a later change goes through; the refused one is never sent.
    const later = await b.api(buyer.token, "POST", `/api/ecotone/v1/groups/${group()}/tasks`, { title: "Count the pallets" });
    expect((await settled(b, buyer, later)).state).toBe("accepted");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const board = await a.api(mod.token, "GET", `/api/ecotone/v1/groups/${group()}/tasks`);
    const titles = (board.body.tasks as Array<{ title: string }>).map((t) => t.title);
    expect(titles).toContain("Count the pallets");
    expect(titles).not.toContain("Order the lost pallets");
  });
});
