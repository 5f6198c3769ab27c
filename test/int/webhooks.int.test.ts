// Outbound webhooks, end to end: a receiver on loopback verifies every
// delivery with the Standard Webhooks algorithm (written out here from the
// specification, not borrowed from the server), gets each event once,
// survives being down (retries, then a replay), and a tampered delivery fails
// verification. Also: who may subscribe, bad input, disabling after a day of
// failures, secret rotation, and the SSRF guard.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

/** Standard Webhooks verification: HMAC-SHA256 over "id.timestamp.body" with the base64-decoded secret after "whsec_". */
function verifies(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${r.id}.${r.timestamp}.${r.body}`).digest();
  if (Math.abs(Date.now() / 1000 - Number(r.timestamp)) > 300) return false;
  return r.signature.split(" ").some((entry) => {
    const [version, sig] = entry.split(",");
    const given = Buffer.from(sig ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

class Receiver {
  received: Received[] = [];
  #server: Server | null = null;
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hooks/ecotone`;
  }
  async up(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        this.received.push({
          id: String(req.headers["webhook-id"]),
          timestamp: String(req.headers["webhook-timestamp"]),
          signature: String(req.headers["webhook-signature"]),
          body,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, "127.0.0.1", resolve));
  }
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  ofType(type: string): Received[] {
    return this.received.filter((r) => JSON.parse(r.body).type === type);
  }
}

let a: TestInstance;
let root: TestUser; // an admin
let olga: TestUser; // owner of the support group
let bea: TestUser; // a member
let cid: TestUser; // a member
let receiver: Receiver;
let hook: { id: string; secret: string };

async function deliveries(id = hook.id) {
  const res = await a.api(olga.token, "GET", `/api/ecotone/v1/webhooks/${id}/deliveries`);
  expect(res.status).toBe(200);
  return res.body.items as Array<{ id: string; event: string; status: string; attempts: number; lastError: string | null }>;
}

beforeAll(async () => {
  a = await startInstance();
  root = await a.user("root");
  await a.app.ctx.db.updateTable("users").set({ role: "admin" }).where("username", "=", "root").execute();
  olga = await a.user("olga");
  bea = await a.user("bea");
  cid = await a.user("cid");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support" });
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "other", name: "Other" });
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/join");
  receiver = new Receiver(await freePort());
  await receiver.up();
});

afterAll(async () => {
  await receiver?.down();
  await a?.close();
});

describe("webhook subscriptions", () => {
  it("refuses bad input and people who may not subscribe, storing nothing", async () => {
    const cases: Array<[TestUser, unknown, number]> = [
      [olga, { url: "ftp://example.com/x", group: "support" }, 422],
      [olga, { url: "https://user:pw@example.com/x", group: "support" }, 422],
      [olga, { url: receiver.url, group: "support", events: ["post.exploded"] }, 422],
      [olga, { url: receiver.url, group: "support", events: [] }, 422],
      [bea, { url: receiver.url, group: "support" }, 403], // a member, not an owner
      [olga, { url: receiver.url }, 403], // the whole instance is for admins
    ];
    for (const [user, payload, status] of cases) {
      const res = await a.api(user.token, "POST", "/api/ecotone/v1/webhooks", payload);
      expect([payload, res.status]).toEqual([payload, status]);
    }
    expect((await a.api(root.token, "GET", "/api/ecotone/v1/webhooks")).body.items).toEqual([]);
  });

  it("a group owner subscribes and is given the secret once", async () => {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/webhooks", { url: receiver.url, group: "support", description: "CRM" });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(res.body.events).toContain("question.accepted");
    hook = { id: res.body.id, secret: res.body.secret };
    const listed = await a.api(olga.token, "GET", "/api/ecotone/v1/webhooks");
    expect(listed.body.items.map((w: { id: string; secret?: string }) => [w.id, w.secret])).toEqual([[hook.id, undefined]]);
    // Another member cannot see or delete it.
    expect((await a.api(bea.token, "DELETE", `/api/ecotone/v1/webhooks/${hook.id}`)).status).toBe(404);
  });
});

describe("deliveries", () => {
  it("delivers each event of the group once, signed, and nothing from other groups", async () => {
    const asked = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "Where is my invoice?" });
    await a.api(cid.token, "POST", "/api/ecotone/v1/groups/support/join");
    const answer = await a.api(cid.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: asked.body.id, content: "Billing → Invoices" });
    await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${asked.body.id}/accept`, { answer: answer.body.id });
    const task = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/support/tasks", { title: "Send the invoice again" });
    expect(task.status).toBe(201);
    await a.api(olga.token, "POST", `/api/ecotone/v1/tasks/${task.body.id}/status`, { status: "in_progress" });
    await a.api(olga.token, "POST", `/api/ecotone/v1/tasks/${task.body.id}/assignees`, { assignee: cid.handle });
    const idea = await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/ideas", { title: "PDF invoices", content: "Please" });
    await a.api(olga.token, "POST", `/api/ecotone/v1/ideas/${idea.body.post.id}/status`, { status: "planned" });
    await a.api(cid.token, "POST", "/api/ecotone/v1/reports", { postIds: [answer.body.id], comment: "spam?" });
    const escalated = await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${asked.body.id}/escalate`, { title: "Invoice missing" });
    expect(escalated.status).toBe(201);
    await a.api(cid.token, "POST", "/api/ecotone/v1/groups/support/leave");
    await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "other", content: "Not for this webhook" });

    const expected = [
      "question.asked",
      "member.joined",
      "question.answered",
      "question.accepted",
      "task.created",
      "task.status_changed",
      "task.assigned",
      "idea.status_changed",
      "report.filed",
      "thread.escalated",
      "member.left",
    ];
    await eventually(() => expected.every((type) => receiver.ofType(type).length > 0), 20_000);
    // The escalation opened a second task.
    for (const type of expected) expect([type, receiver.ofType(type).length]).toEqual([type, type === "task.created" ? 2 : 1]);
    const handedOver = JSON.parse(receiver.ofType("thread.escalated")[0]!.body).data;
    expect([handedOver.thread.uri, handedOver.task.id]).toEqual([asked.body.uri, escalated.body.task.id]);
    // post.created: members' posts in this group, never another group's.
    const posts = receiver.ofType("post.created").map((r) => JSON.parse(r.body).data.post.text as string);
    expect(posts.some((t) => t.startsWith("Where is my invoice?"))).toBe(true);
    expect(posts.some((t) => t.includes("Not for this webhook"))).toBe(false);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
    for (const r of receiver.received) expect(verifies(hook.secret, r)).toBe(true);

    const accepted = JSON.parse(receiver.ofType("question.accepted")[0]!.body);
    expect(accepted.data.answer.uri).toBe(answer.body.uri);
    expect(accepted.data.question.author.handle).toBe(bea.handle);
    const log = await deliveries();
    expect(log.every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
  });

  it("a tampered delivery fails verification", () => {
    const original = receiver.received[0]!;
    expect(verifies(hook.secret, original)).toBe(true);
    expect(verifies(hook.secret, { ...original, body: original.body.replace(/"type":"[^"]+"/, '"type":"report.filed"') })).toBe(false);
    expect(verifies(hook.secret, { ...original, id: `${original.id}x` })).toBe(false);
    expect(verifies(hook.secret, { ...original, timestamp: String(Number(original.timestamp) + 1) })).toBe(false);
    expect(verifies("whsec_" + Buffer.from("another secret").toString("base64"), original)).toBe(false);
  });

  it("retries while the receiver is down, delivers once it is back, and replays on request", async () => {
    await receiver.down();
    const before = receiver.received.length;
    const post = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", content: "Posted while the CRM was down" });
    expect(post.status).toBe(201); // the write never waits for the webhook
    const failing = (await eventually(async () => {
      const found = (await deliveries()).find((d) => d.event === "post.created" && d.status === "pending" && d.attempts >= 2);
      return found ?? null;
    }, 20_000))!;
    expect(failing.lastError).toBeTruthy();
    await receiver.up();
    await eventually(async () => (await deliveries()).find((d) => d.id === failing.id)?.status === "delivered", 30_000);
    const got = receiver.received.slice(before).filter((r) => r.id === failing.id);
    expect(got.length).toBe(1);
    expect(verifies(hook.secret, got[0]!)).toBe(true);

    const replay = await a.api(olga.token, "POST", `/api/ecotone/v1/webhooks/${hook.id}/deliveries/${failing.id}/replay`);
    expect(replay.status).toBe(200);
    await eventually(() => receiver.received.filter((r) => r.id === failing.id).length === 2);
    const again = receiver.received.filter((r) => r.id === failing.id)[1]!;
    expect(again.body).toBe(got[0]!.body);
    expect(verifies(hook.secret, again)).toBe(true);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/webhooks/${hook.id}/deliveries/msg_nope/replay`)).status).toBe(404);
  });

  it("after a rotation, deliveries carry signatures by the new and the previous secret", async () => {
    const rotated = await a.api(olga.token, "POST", `/api/ecotone/v1/webhooks/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const before = receiver.received.length;
    await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", content: "After the rotation" });
    await eventually(() => receiver.received.length > before);
    const last = receiver.received.at(-1)!;
    expect(verifies(rotated.body.secret, last)).toBe(true);
    expect(verifies(hook.secret, last)).toBe(true);
    hook.secret = rotated.body.secret;
  });

  it("disables a subscription that has failed for a day, and tells its owner", async () => {
    await receiver.down();
    await a.app.ctx.db
      .updateTable("webhooks")
      .set({ failing_since: new Date(Date.now() - 25 * 3600_000) })
      .where("id", "=", hook.id)
      .execute();
    await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", content: "Nobody is listening" });
    // The worker gets to it between everything else the suite runs at once: wait generously.
    const disabled = await eventually(async () => {
      const mine = (await a.api(olga.token, "GET", "/api/ecotone/v1/webhooks")).body.items[0];
      return mine.enabled === false ? mine : null;
    }, 50_000);
    expect(disabled.disabledReason).toMatch(/failed for a day/);
    const notes = await a.app.ctx.db
      .selectFrom("notifications")
      .innerJoin("actors", "actors.id", "notifications.recipient_id")
      .select(["actors.username", "notifications.type"])
      .where("notifications.type", "=", "webhook_disabled")
      .execute();
    expect(notes).toEqual([{ username: "olga", type: "webhook_disabled" }]);
    const failed = (await deliveries())[0]!;
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/webhooks/${hook.id}/deliveries/${failed.id}/replay`)).status).toBe(422);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/webhooks/${hook.id}/enable`)).body.enabled).toBe(true);
    expect((await a.api(olga.token, "DELETE", `/api/ecotone/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await a.api(olga.token, "GET", "/api/ecotone/v1/webhooks")).body.items).toEqual([]);
  });
});

describe("an owner who steps down", () => {
  it("gets nothing more of the group once demoted: the subscription is switched off, may only be deleted; the group's other owner's still delivers", async () => {
    await receiver.up(); // left down by the test before
    await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "board", name: "Board", visibility: "members_only" });
    await a.api(bea.token, "POST", "/api/ecotone/v1/groups/board/join");
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups/board/roles", { target: bea.handle, role: "owner" })).status).toBe(204);
    const beas = await a.api(bea.token, "POST", "/api/ecotone/v1/webhooks", { url: receiver.url, group: "board", events: ["post.created"] });
    const olgas = await a.api(olga.token, "POST", "/api/ecotone/v1/webhooks", { url: receiver.url, group: "board", events: ["post.created"] });
    expect([beas.status, olgas.status]).toEqual([201, 201]);
    const texts = () => receiver.ofType("post.created").map((r) => JSON.parse(r.body) as { data: { post: { text: string } } });
    const copies = (text: string) => texts().filter((r) => r.data.post.text.startsWith(text)).length;
    await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Budget draft" });
    await eventually(() => copies("Budget draft") === 2);

    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups/board/roles", { target: bea.handle, role: "member" })).status).toBe(204);
    await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Final budget" });
    // Olga's subscription still delivers (the control); Bea's gets nothing more.
    await eventually(() => copies("Final budget") >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(copies("Final budget")).toBe(1);
    const mine = (await a.api(bea.token, "GET", "/api/ecotone/v1/webhooks")).body.items as Array<{ id: string; enabled: boolean; disabledReason: string }>;
    expect(mine).toEqual([expect.objectContaining({ id: beas.body.id, enabled: false, disabledReason: expect.stringMatching(/no longer/) })]);
    expect((await a.api(bea.token, "GET", `/api/ecotone/v1/webhooks/${beas.body.id}/deliveries`)).status).toBe(403);
    expect((await a.api(bea.token, "POST", `/api/ecotone/v1/webhooks/${beas.body.id}/enable`)).status).toBe(403);
    expect((await a.api(bea.token, "DELETE", `/api/ecotone/v1/webhooks/${beas.body.id}`)).status).toBeLessThan(300);
  });
});

describe("SSRF guard", () => {
  it("never delivers to a private or loopback address in production mode", async () => {
    const prod = await startInstance({ allowPrivateAddresses: false });
    try {
      const admin = await prod.user("admin2");
      await prod.app.ctx.db.updateTable("users").set({ role: "admin" }).where("username", "=", "admin2").execute();
      await prod.api(admin.token, "POST", "/api/ecotone/v1/groups", { slug: "general", name: "General" });
      const probe = new Receiver(await freePort());
      await probe.up();
      try {
        const created = await prod.api(admin.token, "POST", "/api/ecotone/v1/webhooks", { url: probe.url });
        expect(created.status).toBe(201);
        await prod.api(admin.token, "POST", "/api/ecotone/v1/posts", { group: "general", content: "hello" });
        const log = await eventually(async () => {
          const items = (await prod.api(admin.token, "GET", `/api/ecotone/v1/webhooks/${created.body.id}/deliveries`)).body.items;
          return items.length > 0 && items[0].attempts > 0 ? items : null;
        });
        expect(log[0].status).not.toBe("delivered");
        expect(log[0].lastError).toBeTruthy();
        expect(probe.received).toEqual([]);
      } finally {
        await probe.down();
      }
    } finally {
      await prod.close();
    }
  });
});
