// Simulated remote instances for the benchmarks: each is a small HTTP server
// on its own loopback port (so Ecotone sees distinct hosts), serving actor
// documents with real keys and recording what is delivered to its inboxes.
// An instance can answer at once, after a delay, never (black hole), or drip
// its answer a byte at a time.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateCryptoKeyPair, signObject, signRequest } from "@fedify/fedify";
import { Activity, CryptographicKey, Endpoints, Multikey, Person } from "@fedify/vocab";

export type Behaviour = "ok" | "blackhole" | "drip";

export interface Delivery {
  at: number;
  type: string;
  id: string;
  object: string | null;
  content: string | null;
}

export interface SimActor {
  uri: string;
  /** The RSA key that signs HTTP requests. */
  keyId: string;
  privateKey: CryptoKey;
  /**
   * "ed25519": the actor also signs its activities with an Ed25519 Object
   * Integrity Proof (FEP-8b32) and sends them without an HTTP signature —
   * Fedify signs HTTP requests with RSA only.
   */
  algorithm: "rsa" | "ed25519";
  ed25519?: { keyId: string; privateKey: CryptoKey };
}

export interface SimInstance {
  origin: string;
  host: string;
  behaviour: Behaviour;
  delayMs: number;
  deliveries: Delivery[];
  /** Requests still open (a black hole keeps them until the client gives up). */
  open: number;
  /** The longest time a request to this instance stayed open before the client ended it (ms). */
  longestOpenMs: number;
  addActor(name: string, algorithm?: "rsa" | "ed25519"): Promise<SimActor>;
  /** A ready-to-send signed POST of `activity` by `actor`. */
  sign(actor: SimActor, inbox: string, activity: unknown, spec: "draft-cavage-http-signatures-12" | "rfc9421"): Promise<Request>;
  /** POSTs a signed activity as `actor`; resolves with the status and the time it took. */
  send(actor: SimActor, inbox: string, activity: unknown, spec: "draft-cavage-http-signatures-12" | "rfc9421"): Promise<{ status: number; ms: number }>;
  close(): Promise<void>;
}

function record(instance: SimInstance, body: string): void {
  try {
    const a = JSON.parse(body) as { type?: string; id?: string; object?: unknown };
    const object = a.object as { id?: string; content?: string; object?: { id?: string; content?: string } } | string | undefined;
    const inner = typeof object === "object" && object?.object ? object.object : object;
    instance.deliveries.push({
      at: performance.now(),
      type: a.type ?? "?",
      id: a.id ?? "",
      object: typeof inner === "string" ? inner : (inner?.id ?? null),
      content: typeof inner === "object" ? (inner?.content ?? null) : null,
    });
  } catch {
    // not JSON
  }
}

function answer(instance: SimInstance, res: ServerResponse): void {
  if (instance.behaviour === "blackhole") return; // never answer; the client's deadline must hold
  if (instance.behaviour === "drip") {
    res.writeHead(202, { "content-type": "text/plain" });
    const text = "accepted, slowly";
    let i = 0;
    const timer = setInterval(() => {
      if (i >= text.length || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(text[i++]!);
    }, 1000);
    return;
  }
  setTimeout(() => res.writeHead(202).end(), instance.delayMs);
}

export async function startSimInstance(behaviour: Behaviour = "ok"): Promise<SimInstance> {
  const documents = new Map<string, string>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const instance: SimInstance = {
    origin,
    host: `127.0.0.1:${port}`,
    behaviour,
    delayMs: 0,
    deliveries: [],
    open: 0,
    longestOpenMs: 0,
    async addActor(name, algorithm = "rsa") {
      const uri = `${origin}/users/${name}`;
      const rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
      const ed = algorithm === "ed25519" ? await generateCryptoKeyPair("Ed25519") : null;
      const keyId = `${uri}#main-key`;
      const person = new Person({
        id: new URL(uri),
        preferredUsername: name,
        inbox: new URL(`${uri}/inbox`),
        endpoints: new Endpoints({ sharedInbox: new URL(`${origin}/inbox`) }),
        publicKeys: [new CryptographicKey({ id: new URL(keyId), owner: new URL(uri), publicKey: rsa.publicKey })],
        assertionMethods: ed ? [new Multikey({ id: new URL(`${uri}#ed25519-key`), controller: new URL(uri), publicKey: ed.publicKey })] : [],
      });
      documents.set(`/users/${name}`, JSON.stringify(await person.toJsonLd({ format: "compact" })));
      return {
        uri,
        keyId,
        privateKey: rsa.privateKey,
        algorithm,
        ...(ed ? { ed25519: { keyId: `${uri}#ed25519-key`, privateKey: ed.privateKey } } : {}),
      };
    },
    async sign(actor, inbox, activity, spec) {
      const headers = { "content-type": "application/activity+json", accept: "application/activity+json" };
      if (actor.ed25519) {
        const parsed = await Activity.fromJsonLd(activity);
        const proven = await signObject(parsed, actor.ed25519.privateKey, new URL(actor.ed25519.keyId));
        return new Request(inbox, { method: "POST", headers, body: JSON.stringify(await proven.toJsonLd({ format: "compact" })) });
      }
      const request = new Request(inbox, { method: "POST", headers, body: JSON.stringify(activity) });
      return signRequest(request, actor.privateKey, new URL(actor.keyId), { spec });
    },
    async send(actor, inbox, activity, spec) {
      const signed = await instance.sign(actor, inbox, activity, spec);
      const started = performance.now();
      const res = await fetch(signed);
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on("request", (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET") {
      const doc = documents.get(path);
      if (!doc) return res.writeHead(404).end();
      return res.writeHead(200, { "content-type": "application/activity+json" }).end(doc);
    }
    instance.open++;
    const openedAt = performance.now();
    res.on("close", () => {
      instance.open--;
      instance.longestOpenMs = Math.max(instance.longestOpenMs, performance.now() - openedAt);
    });
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      record(instance, body);
      answer(instance, res);
    });
  });
  return instance;
}
