// A worker killed with SIGKILL in the middle of a group fan-out: after a
// restart on the same data, every member instance receives the post, and
// always under the same activity id (so each applies it once).
//
// The member instances are small recording servers on loopback; they answer
// slowly at first, so the kill lands while deliveries are in flight.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Endpoints, Person } from "@fedify/vocab";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, freePort } from "../helpers/instances.ts";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");
const MEMBERS = 12;

interface Recorder {
  origin: string;
  actorUri: string;
  keyId: string;
  privateKey: CryptoKey;
  /** Activity ids of the Announces received, one entry per request. */
  announces: string[];
  /** Announces answered 202 (the sender saw them delivered). */
  answered: number;
  delayMs: number;
  server: Server;
}

async function startRecorder(): Promise<Recorder> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const actorUri = `${origin}/users/m`;
  const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  const person = await new Person({
    id: new URL(actorUri),
    preferredUsername: "m",
    inbox: new URL(`${actorUri}/inbox`),
    endpoints: new Endpoints({ sharedInbox: new URL(`${origin}/inbox`) }),
    publicKey: new CryptographicKey({ id: new URL(`${actorUri}#main-key`), owner: new URL(actorUri), publicKey: keyPair.publicKey }),
  }).toJsonLd({ format: "compact" });
  const recorder: Recorder = {
    origin,
    actorUri,
    keyId: `${actorUri}#main-key`,
    privateKey: keyPair.privateKey,
    announces: [],
    answered: 0,
    delayMs: 0,
    server: createServer(),
  };
  recorder.server.on("request", (req, res) => {
    if (req.method === "GET" && req.url === "/users/m") {
      res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(person));
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      let announce = false;
      try {
        const activity = JSON.parse(body) as { type?: string; id?: string };
        announce = activity.type === "Announce" && Boolean(activity.id);
        if (announce) recorder.announces.push(activity.id!);
      } catch {
        // not JSON: ignore
      }
      setTimeout(() => {
        if (res.destroyed) return; // the sender died before the answer
        res.writeHead(202).end();
        if (announce) recorder.answered++;
      }, recorder.delayMs);
    });
  });
  await new Promise<void>((done) => recorder.server.listen(port, "127.0.0.1", done));
  return recorder;
}

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  return { child, output: () => output };
}

async function runCli(env: Record<string, string>, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  if (code !== 0) throw new Error(`ecotone ${args.join(" ")} failed:\n${out}`);
  return out;
}

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
    await eventually(async () => (await fetch(`${origin}/.well-known/nodeinfo`)).ok, 30_000);
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
    for (const r of recorders) {
      const follow = JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${r.origin}/follows/1`,
        type: "Follow",
        actor: r.actorUri,
        object: `${origin}/users/network`,
      });
      const request = new Request(`${origin}/users/network/inbox`, {
        method: "POST",
        headers: { "content-type": "application/activity+json" },
        body: follow,
      });
      const signed = await signRequest(request, r.privateKey, new URL(r.keyId), { spec: "draft-cavage-http-signatures-12" });
      expect((await fetch(signed)).status).toBeLessThan(300);
    }
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
  }, 120_000);
});
