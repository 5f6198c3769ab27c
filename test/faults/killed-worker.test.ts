// A worker killed with SIGKILL in the middle of a group fan-out: after a
// restart on the same data, every member instance receives the post, and
// always under the same activity id (so each applies it once).
//
// The member instances are small recording servers on loopback; they answer
// slowly at first, so the kill lands while deliveries are in flight.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, freePort } from "../helpers/instances.ts";
import { followFrom, runCli, startRecorder, startServer, type Recorder } from "../helpers/member-recorder.ts";

const MEMBERS = 12;

const children: ChildProcess[] = [];
const recorders: Recorder[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(recorders.map((r) => new Promise((done) => r.server.close(done))));
});

describe("a worker killed mid fan-out", () => {
  it("delivers the post to every member instance after a restart, under one activity id", async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const env = {
      PORT: String(port),
      HOST: "127.0.0.1",
      ECOTONE_ORIGIN: origin,
      ECOTONE_DATA_DIR: mkdtempSync(join(tmpdir(), "ecotone-kill-")),
      ECOTONE_QUEUE_LEASE_MS: "3000",
      ECOTONE_RETRY_INITIAL_MS: "500",
      ECOTONE_BOOTSTRAP_ADMIN: "false",
      // Few delivery slots, so the fan-out is still going when the kill lands.
      ECOTONE_DELIVERY_CONCURRENCY: "4",
    };
    const first = startServer(env);
    children.push(first.child);
    // A fresh PGlite database migrates first: slow on a loaded machine.
    await eventually(async () => (await fetch(`${origin}/.well-known/nodeinfo`)).ok, 60_000);
    await runCli(env, ["user", "create", "olga", "--password", "correct horse battery staple"]);
    const token = /([\w-]{40,})/.exec(await runCli(env, ["token", "create", "olga", "--scopes", "read write"]))![1]!;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${origin}/api/ecotone/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await api("POST", "/groups", { slug: "network", name: "Supplier network" })).status).toBe(201);

    for (let i = 0; i < MEMBERS; i++) recorders.push(await startRecorder());
    for (const r of recorders) expect(await followFrom(r, `${origin}/users/network`, `${origin}/users/network/inbox`)).toBeLessThan(300);
    await eventually(async () => {
      const res = await api("GET", "/groups/network/members");
      return ((await res.json()) as { items: unknown[] }).items.length === MEMBERS + 1;
    }, 30_000);

    // Slow members: the kill lands while deliveries are in flight.
    for (const r of recorders) r.delayMs = 4_000;
    expect((await api("POST", "/posts", { group: "network", content: "Q1 forecast is out." })).status).toBe(201);
    await eventually(() => recorders.some((r) => r.announces.length > 0), 30_000, 20);
    first.child.kill("SIGKILL");
    await new Promise((done) => first.child.once("exit", done));
    // The kill really cut the fan-out short: no delivery had been answered yet.
    expect(recorders.filter((r) => r.answered > 0)).toEqual([]);

    for (const r of recorders) r.delayMs = 0;
    const second = startServer(env);
    children.push(second.child);
    await eventually(() => recorders.every((r) => r.answered > 0), 60_000, 100);
    const ids = new Set(recorders.flatMap((r) => r.announces));
    // One activity, whichever process or attempt delivered it: receivers apply it once.
    expect(ids.size).toBe(1);
    second.child.kill("SIGTERM");
    await new Promise((done) => second.child.once("exit", done));
  }, 180_000);
});
