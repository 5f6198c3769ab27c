// Scale-out on one PostgreSQL server: two web processes (ECOTONE_QUEUE_WORKERS
// =false) and one worker process share a database; people post through
// either web process; the worker is killed with SIGKILL in the middle of the
// group fan-outs and a new one takes over. Every member instance must get
// every post, and apply it once.
//
// What "once" can mean over HTTP: a delivery whose 202 reached the worker
// just before it died cannot have been marked done, so the next worker sends
// it again — no sender can make the network send and its own commit one
// step. Members apply by activity id (an Ecotone member records the id in
// the same transaction as the effect: src/services/incoming.ts, tested in
// test/federation/inbox-fixtures.test.ts), so such a resend changes nothing
// a member sees. The recorders here stand for members and count what they
// would apply (distinct ids); the test also pins down when a resend may
// happen at all: only for a delivery the killed worker had already sent.
// Anything else sent twice — a live worker re-running a delivery whose lease
// ran out while the peer was slow (a slow member here takes as long as a
// lease) — fails the test.
//
// PostgreSQL only (hence `.pg.test.ts`): the embedded PGlite database admits
// one process, so there is nothing to scale out on it. It is skipped when
// DATABASE_URL is absent and runs in .ci/run's PostgreSQL pass
// (bash .ci/postgres.sh -- npx vitest run test/int/scale-out.pg.test.ts).
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, freePort } from "../helpers/instances.ts";
import { followFrom, runCli, startRecorder, startServer, type Recorder } from "../helpers/member-recorder.ts";
import { withSearchPath } from "../helpers/test-database.ts";

const MEMBERS = 10;
const POSTS = 3;
const databaseUrl = process.env.DATABASE_URL;

const children: ChildProcess[] = [];
const recorders: Recorder[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(recorders.map((r) => new Promise((done) => r.server.close(done))));
});

async function freshSchema(url: string): Promise<string> {
  const schema = `scale_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  return withSearchPath(url, schema);
}

async function ready(origin: string): Promise<void> {
  await eventually(async () => (await fetch(`${origin}/.well-known/nodeinfo`).catch(() => null))?.ok === true, 60_000);
}

describe.skipIf(!databaseUrl)("two web processes and a worker on one PostgreSQL server", () => {
  it("delivers every post to every member exactly once, though the worker is killed mid fan-out", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // One public origin (the first web process answers the peers); the other
    // processes listen elsewhere on the same database.
    const origin = `http://localhost:${ports[0]}`;
    const shared = {
      HOST: "127.0.0.1",
      DATABASE_URL: await freshSchema(databaseUrl!),
      ECOTONE_ORIGIN: origin,
      ECOTONE_DATA_DIR: mkdtempSync(join(tmpdir(), "ecotone-scale-")),
      ECOTONE_QUEUE_LEASE_MS: "3000",
      ECOTONE_RETRY_INITIAL_MS: "500",
      ECOTONE_BOOTSTRAP_ADMIN: "false",
      // Few delivery slots, so the fan-out is still going when the kill lands.
      ECOTONE_DELIVERY_CONCURRENCY: "3",
    };
    const web = (port: number) => ({ ...shared, PORT: String(port), ECOTONE_QUEUE_WORKERS: "false" });
    const worker = (port: number) => ({ ...shared, PORT: String(port), ECOTONE_QUEUE_WORKERS: "true" });

    // The first process migrates the schema; the others start on it.
    const web1 = startServer(web(ports[0]!));
    children.push(web1.child);
    await ready(origin);
    const web2 = startServer(web(ports[1]!));
    const firstWorker = startServer(worker(ports[2]!));
    children.push(web2.child, firstWorker.child);
    await ready(`http://127.0.0.1:${ports[1]}`);
    await ready(`http://127.0.0.1:${ports[2]}`);

    await runCli(shared, ["user", "create", "olga", "--password", "correct horse battery staple"]);
    const token = /([\w-]{40,})/.exec(await runCli(shared, ["token", "create", "olga", "--scopes", "read write"]))![1]!;
    const api = (port: number, method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}/api/ecotone/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await api(ports[1]!, "POST", "/groups", { slug: "network", name: "Supplier network" })).status).toBe(201);

    for (let i = 0; i < MEMBERS; i++) recorders.push(await startRecorder());
    for (const r of recorders) expect(await followFrom(r, `${origin}/users/network`, `${origin}/users/network/inbox`)).toBeLessThan(300);
    await eventually(async () => {
      const res = await api(ports[1]!, "GET", "/groups/network/members");
      return ((await res.json()) as { items: unknown[] }).items.length === MEMBERS + 1;
    }, 60_000);
    // The Accepts went out through the worker; nothing else has been sent yet.
    await eventually(() => recorders.every((r) => r.announces.length === 0), 5_000);

    // Slow members: the kill lands while deliveries are in flight.
    for (const r of recorders) r.delayMs = 3_000;
    for (let n = 0; n < POSTS; n++) {
      const port = n % 2 === 0 ? ports[0]! : ports[1]!;
      expect((await api(port, "POST", "/posts", { group: "network", content: `Forecast ${n} is out.` })).status).toBe(201);
    }
    await eventually(() => recorders.some((r) => r.announces.length > 0), 30_000, 20);
    firstWorker.child.kill("SIGKILL");
    await new Promise((done) => firstWorker.child.once("exit", done));
    // No worker runs now (the web processes lease nothing): let the recorders
    // see every socket the dead worker left, then note what it had sent.
    await new Promise((done) => setTimeout(done, 500));
    const sentBeforeKill = recorders.map((r) => new Set(r.announces));
    // The kill really cut the fan-out short.
    const answeredBeforeKill = recorders.reduce((n, r) => n + r.answered, 0);
    expect(answeredBeforeKill).toBeLessThan(MEMBERS * POSTS);

    for (const r of recorders) r.delayMs = 0;
    const secondWorker = startServer(worker(ports[3]!));
    children.push(secondWorker.child);
    await eventually(() => recorders.every((r) => new Set(r.answeredIds).size === POSTS), 90_000, 100);
    // A little longer: no late duplicate may follow.
    await new Promise((done) => setTimeout(done, 2_000));

    const ids = new Set(recorders[0]!.answeredIds);
    expect(ids.size).toBe(POSTS);
    recorders.forEach((r, i) => {
      // What a member applies: every post, the same activity ids everywhere.
      expect(new Set(r.answeredIds)).toEqual(ids);
      for (const id of ids) {
        const answers = r.answeredIds.filter((a) => a === id).length;
        // Sent again only if the dead worker had sent it (and then once);
        // whatever the surviving worker sent first, it sent once.
        expect(answers, `${id} to member ${i}`).toBeLessThanOrEqual(sentBeforeKill[i]!.has(id) ? 2 : 1);
      }
    });
    for (const p of [web1, web2, secondWorker]) p.child.kill("SIGTERM");
    await Promise.all([web1, web2, secondWorker].map((p) => new Promise((done) => (p.child.exitCode !== null ? done(null) : p.child.once("exit", done)))));
  }, 240_000);
});
