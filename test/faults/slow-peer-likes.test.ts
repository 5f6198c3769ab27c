// Faults: a member instance that answers every delivery after a delay (a far
// peer), and many people liking one post of our group at once (issue 18,
// "Slow peer"). The group relays each like to the peer (it reads FEP-1b12).
//
// The likes used to wait in the outbox processor, which sent one event after
// another — every edit of a busy post in full before the likes behind it — so
// a peer got them at the pace of the processor however many were waiting
// (docs/performance.md, "Slow peer"; ADR 0122). Here sending is made slow
// (each of the processor's sends waits, as on a loaded machine) and the
// test counts how many run at once: likes of different people side by side,
// one person's Undo still after their Like, and a burst of edits sent once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompiledQuery, Kysely } from "kysely";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { countPendingOutboxEvents } from "../../src/db/repos/outbox.repo.ts";
import type { Database } from "../../src/db/schema.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { savePeerSoftware } from "../../src/db/repos/peer-software.repo.ts";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

const PEER_DELAY_MS = 300;
const SEND_MS = 150;
const LIKERS = 12;

let a: TestInstance;
let peer: HostilePeer;
let owner: TestUser;
const likers: TestUser[] = [];
/** What reached the peer's inbox, in order: the activity inside the group's Announce when it wraps one. */
const arrived: Array<{ type: string; actor: string; content: string | null }> = [];
/** What the outbox processor sent (the group's Announces), in the order it started sending them. */
const sent: string[] = [];
let sending = 0;
let mostSending = 0;
/** The index in `sent` of a send that fails (once); -1: none. */
let failSendOnce = -1;

beforeAll(async () => {
  a = await startInstance();
  peer = await startHostilePeer();
  const member = await peer.addActor("member");
  peer.handle("/users/member/inbox", (req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      type Json = { type?: string; actor?: string; content?: string; object?: Json | string };
      const activity = JSON.parse(body) as Json;
      const inner = activity.type === "Announce" && typeof activity.object === "object" && activity.object.actor ? activity.object : activity;
      const object = typeof inner.object === "object" ? inner.object : null;
      setTimeout(() => {
        arrived.push({ type: inner.type ?? "?", actor: inner.actor ?? "", content: object?.content ?? null });
        res.writeHead(202).end();
      }, PEER_DELAY_MS);
    });
  });
  // A FEP-1b12 server: the group relays likes to it (not to Mastodon-family servers).
  await savePeerSoftware(a.app.ctx.db, peer.host, "lemmy", "0.19.0");
  // Every send of the outbox processor takes a while (signing on a busy machine).
  const federation = a.app.federation;
  const createContext = federation.createContext.bind(federation);
  federation.createContext = ((...args: Parameters<typeof createContext>) => {
    const ctx = createContext(...args);
    const send = ctx.sendActivity.bind(ctx);
    ctx.sendActivity = (async (...sendArgs: Parameters<typeof send>) => {
      sent.push((sendArgs[2] as object).constructor.name);
      if (sent.length - 1 === failSendOnce) {
        failSendOnce = -1;
        throw new Error("the peer's send failed once");
      }
      sending += 1;
      mostSending = Math.max(mostSending, sending);
      try {
        await new Promise((resolve) => setTimeout(resolve, SEND_MS));
        return await send(...sendArgs);
      } finally {
        sending -= 1;
      }
    }) as typeof send;
    return ctx;
  }) as typeof createContext;
  owner = await a.user("owner");
  for (let i = 1; i <= LIKERS; i++) likers.push(await a.user(`liker${i}`));
  const created = await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "far", name: "Far", visibility: "public", joinPolicy: "open" });
  expect(created.status).toBe(201);
  const group = created.body.actor.uri as string;
  const follow = await peer.post(
    `${a.origin}/inbox`,
    { "@context": AS_CONTEXT, id: `${member.uri}/follows/far`, type: "Follow", actor: member.uri, object: group },
    member.keyId,
  );
  expect(follow.status).toBe(202);
  await eventually(() => arrived.some((d) => d.type === "Accept"));
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.close(), peer?.close()]);
});

/** Runs `work` while the outbox processor is stopped, then lets it send what was recorded, from now on counted afresh. */
async function thenSend(work: () => Promise<void>): Promise<void> {
  await a.app.outbox.stop();
  await work();
  mostSending = 0;
  sent.length = 0;
  a.app.outbox.start();
  await eventually(async () => (await countPendingOutboxEvents(a.app.ctx.db)) === 0, 30_000);
}

describe("a busy post of our group, relayed to a slow peer", () => {
  let postId: string;

  beforeAll(async () => {
    const post = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "far", content: "version 0" });
    expect(post.status).toBe(201);
    postId = post.body.id;
    await eventually(() => arrived.some((d) => d.type === "Create"));
  });

  it("sends different people's likes side by side, and one person's Undo after their Like", async () => {
    await thenSend(async () => {
      for (const [i, liker] of likers.entries()) {
        const liked = await a.api(liker.token, "POST", `/api/ecotone/v1/posts/${postId}/like`);
        expect(liked.status).toBe(200);
        // The answer is the post as the write left it (built without asking the visibility rule twice).
        expect([liked.body.likedByMe, liked.body.likeCount]).toEqual([true, i + 1]);
      }
      // The first liker changes their mind at once.
      const undone = await a.api(likers[0]!.token, "DELETE", `/api/ecotone/v1/posts/${postId}/like`);
      expect(undone.status).toBe(200);
      expect([undone.body.likedByMe, undone.body.likeCount]).toEqual([false, LIKERS - 1]);
    });
    const likes = () => arrived.filter((d) => d.type === "Like");
    await eventually(() => likes().length === LIKERS && arrived.some((d) => d.type === "Undo"), 30_000);
    // One at a time, the processor had one like in hand and the peer got them at its pace.
    expect(mostSending).toBeGreaterThanOrEqual(4);
    // The control: one person's Like and Undo, received in order.
    const undoAt = arrived.findIndex((d) => d.type === "Undo");
    expect(arrived[undoAt]!.actor).toBe(likers[0]!.uri);
    const likeAt = arrived.findIndex((d) => d.type === "Like" && d.actor === likers[0]!.uri);
    expect(likeAt).toBeGreaterThanOrEqual(0);
    expect(likeAt).toBeLessThan(undoAt);
  }, 60_000);

  it("reads who the group relays to, the post and its group once for a batch of likes, and relays every one", async () => {
    const { fans, before } = await sixLikes();
    // The processor reads through the instance's context: count what it sends while it drains.
    const instance = a.app.ctx as { db: Kysely<Database> };
    const db = instance.db;
    // Only the drain's own statements: the mail and push workers read actors beside it.
    const { plugin, statements, within } = captureStatements(db, { onlyWithin: true });
    instance.db = db.withPlugin(plugin);
    try {
      await within(() => a.app.outbox.drain());
    } finally {
      instance.db = db;
      a.app.outbox.start();
    }
    // Each like read the group's followers (and their servers' software) for itself before: six reads.
    // Now once per batch of likes; on a loaded machine the six may be claimed in two batches, or
    // another event that runs alone may fall between them, and the next batch reads again.
    const followerReads = statements.filter((q) => /from "follows"/.test(q.sql) && q.sql.includes('"followee_id"')).length;
    const softwareReads = statements.filter((q) => q.sql.includes('"peer_software"') && q.sql.startsWith("select")).length;
    expect(followerReads).toBeGreaterThanOrEqual(1);
    expect(followerReads).toBeLessThanOrEqual(2);
    expect(softwareReads).toBeGreaterThanOrEqual(1);
    expect(softwareReads).toBeLessThanOrEqual(2);
    // The post they name and its group too: each like read both before (six post reads, six group
    // reads beside the six likers'); now the likers' own six and the post and group once a batch.
    const postReads = statements.filter((q) => q.sql === 'select * from "posts" where "id" = $1').length;
    const actorReads = statements.filter((q) => q.sql === 'select * from "actors" where "id" = $1').length;
    expect(postReads).toBeGreaterThanOrEqual(1);
    expect(postReads).toBeLessThanOrEqual(2);
    expect(actorReads).toBeGreaterThanOrEqual(fans.length + 1);
    expect(actorReads).toBeLessThanOrEqual(fans.length + 2);
    const relayed = () => arrived.slice(before).filter((d) => d.type === "Like" && fans.some((f) => f.uri === d.actor)).length;
    await eventually(() => relayed() === fans.length, 30_000);
  }, 60_000);

  /**
   * Drains the outbox counting the statements and transactions of its commits (the handle they go
   * through; the events' own reads keep the instance's handle, on which their enqueues are collected).
   */
  async function drainCounted(failCommit = false): Promise<{ statements: CompiledQuery[]; transactions: number }> {
    const instance = a.app.ctx as { database: DatabaseHandle };
    const { database } = instance;
    const db = database.db;
    const { plugin, statements } = captureStatements(db);
    const counted = db.withPlugin(plugin);
    let transactions = 0;
    const begin = counted.transaction.bind(counted);
    counted.transaction = () => {
      transactions += 1;
      const builder = begin();
      // A process that dies at its commit: the transaction's work is rolled back.
      if (failCommit && transactions === 1)
        builder.execute = async () => {
          throw new Error("the process died before its commit");
        };
      return builder;
    };
    instance.database = Object.assign(Object.create(database) as DatabaseHandle, { db: counted });
    try {
      await a.app.outbox.drain();
    } finally {
      instance.database = database;
    }
    return { statements, transactions };
  }

  /** Six people like a new post while the outbox is stopped; returns them and where the peer's arrivals stood. */
  async function sixLikes(): Promise<{ fans: TestUser[]; before: number }> {
    const post = await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "far", content: "liked by six" });
    expect(post.status).toBe(201);
    await a.app.outbox.drain();
    await a.app.outbox.stop();
    const fans = likers.slice(0, 6);
    const before = arrived.length;
    for (const liker of fans) expect((await a.api(liker.token, "POST", `/api/ecotone/v1/posts/${post.body.id}/like`)).status).toBe(200);
    return { fans, before };
  }

  /** Waits until each fan's Like reached the peer, then says how many times each did. */
  async function likesArrived(fans: TestUser[], before: number): Promise<number[]> {
    const count = (f: TestUser) => arrived.slice(before).filter((d) => d.type === "Like" && d.actor === f.uri).length;
    await eventually(() => fans.every((f) => count(f) >= 1), 30_000);
    // Time for a duplicate to arrive, if one was sent.
    await a.app.outbox.drain();
    return fans.map(count);
  }

  it("commits a batch of likes once: one queue insert, one processed mark, one transaction", async () => {
    const { fans, before } = await sixLikes();
    let counted;
    try {
      counted = await drainCounted();
    } finally {
      a.app.outbox.start();
    }
    const queueInserts = counted.statements.filter((q) => q.sql.startsWith('insert into "fedify_queue"')).length;
    const processedMarks = counted.statements.filter((q) => q.sql.startsWith('update "outbox_events" set "processed_at"')).length;
    // Each like was its own transaction before (its queue rows and its mark): six of each. Now one
    // per batch; on a loaded machine the six may be claimed in two batches.
    expect(counted.transactions).toBeGreaterThanOrEqual(1);
    expect(counted.transactions).toBeLessThanOrEqual(2);
    expect(queueInserts).toBeGreaterThanOrEqual(1);
    expect(queueInserts).toBeLessThanOrEqual(2);
    expect(processedMarks).toBeGreaterThanOrEqual(1);
    expect(processedMarks).toBeLessThanOrEqual(2);
    expect(await likesArrived(fans, before)).toEqual([1, 1, 1, 1, 1, 1]);
  }, 60_000);

  it("a batch that dies before its commit is sent again whole, each like once", async () => {
    const { fans, before } = await sixLikes();
    try {
      await drainCounted(true);
    } finally {
      a.app.outbox.start();
    }
    // Nothing of the failed commit was queued; the events ran again and every like went once.
    expect(await likesArrived(fans, before)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await countPendingOutboxEvents(a.app.ctx.db)).toBe(0);
  }, 60_000);

  it("one like failing in a batch holds back neither the others nor its own retry", async () => {
    const { fans, before } = await sixLikes();
    const at = sent.length;
    failSendOnce = at + 2;
    a.app.outbox.start();
    // The third send of the batch failed once: its like is retried, the five others are sent once.
    expect(await likesArrived(fans, before)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(failSendOnce).toBe(-1);
  }, 60_000);

  it("sends a burst of edits once, as the post is now", async () => {
    await thenSend(async () => {
      for (let n = 1; n <= 10; n++)
        expect((await a.api(owner.token, "PATCH", `/api/ecotone/v1/posts/${postId}`, { content: `version ${n}` })).status).toBe(200);
    });
    await eventually(() => arrived.some((d) => d.type === "Update" && d.content?.includes("version 10")), 30_000);
    // One Update built, signed and queued for the ten edits (each used to be, in turn).
    expect(sent).toEqual(["Announce"]);
    expect(arrived.filter((d) => d.type === "Update" && !d.content?.includes("version 10"))).toEqual([]);
  }, 60_000);
});
