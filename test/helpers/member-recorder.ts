// Member instances as small recording servers on loopback, and Ecotone as
// real server processes (`src/main.ts`, the CLI): for tests that kill a
// process mid fan-out (test/faults/killed-worker.test.ts,
// test/int/scale-out.pg.test.ts). A recorder serves one actor, records the
// id of every Announce it is sent, and answers after `delayMs`.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { resolve } from "node:path";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Endpoints, Person } from "@fedify/vocab";
import { freePort } from "./instances.ts";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");

export interface Recorder {
  origin: string;
  actorUri: string;
  keyId: string;
  privateKey: CryptoKey;
  /** Activity ids of the Announces received, one entry per request. */
  announces: string[];
  /** Announces answered 202 (the sender saw them delivered). */
  answered: number;
  /** Ids of the Announces answered 202, one entry per answer. */
  answeredIds: string[];
  delayMs: number;
  server: Server;
}

export async function startRecorder(): Promise<Recorder> {
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
    answeredIds: [],
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
      let announce: string | null = null;
      try {
        const activity = JSON.parse(body) as { type?: string; id?: string };
        if (activity.type === "Announce" && activity.id) announce = activity.id;
        if (announce) recorder.announces.push(announce);
      } catch {
        // not JSON: ignore
      }
      setTimeout(() => {
        if (res.destroyed) return; // the sender died before the answer
        res.writeHead(202).end();
        if (announce) {
          recorder.answered++;
          recorder.answeredIds.push(announce);
        }
      }, recorder.delayMs);
    });
  });
  await new Promise<void>((done) => recorder.server.listen(port, "127.0.0.1", done));
  return recorder;
}

/** A signed Follow of `groupUri` from the recorder's actor, POSTed to `inbox`. */
export async function followFrom(recorder: Recorder, groupUri: string, inbox: string): Promise<number> {
  const request = new Request(inbox, {
    method: "POST",
    headers: { "content-type": "application/activity+json" },
    body: JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${recorder.origin}/follows/1`,
      type: "Follow",
      actor: recorder.actorUri,
      object: groupUri,
    }),
  });
  const signed = await signRequest(request, recorder.privateKey, new URL(recorder.keyId), { spec: "draft-cavage-http-signatures-12" });
  const res = await fetch(signed);
  await res.arrayBuffer();
  return res.status;
}

/** `npm start` in a child process; DATABASE_URL is the embedded database unless `env` sets it. */
export function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  return { child, output: () => output };
}

export async function runCli(env: Record<string, string>, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  if (code !== 0) throw new Error(`ecotone ${args.join(" ")} failed:\n${out}`);
  return out;
}
