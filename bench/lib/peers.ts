// Simulated remote instances for the benchmarks: each is a small HTTP server
// on its own loopback port (so Ecotone sees distinct hosts), serving actor
// documents with real keys and recording what is delivered to its inboxes.
// An instance can answer at once, after a delay, never (black hole: the TCP
// connection is accepted and the request read, no answer is ever written), or
// drip its answer a byte a second.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Endpoints, Multikey, Person } from "@fedify/vocab";
import { signRequestEd25519 } from "./ed25519-signature.ts";

export type Behaviour = "ok" | "blackhole" | "drip";
export type SignatureSpec = "draft-cavage-http-signatures-12" | "rfc9421";

export interface Delivery {
  at: number;
  type: string;
  id: string;
  /** The activity delivered: what an Announce wraps when it wraps an activity, else the activity itself (not a bare Announce of a post). */
  inner: { type: string; id: string; actor: string } | null;
  /** The id of the innermost object: the Note inside Announce(Update(Note)). */
  object: string | null;
  content: string | null;
}

export interface SimActor {
  uri: string;
  algorithm: "rsa" | "ed25519";
  /** The key that signs this actor's HTTP requests (RSA-2048 or Ed25519). */
  keyId: string;
  privateKey: CryptoKey;
}

export interface SimInstance {
  origin: string;
  host: string;
  behaviour: Behaviour;
  /** Added before every answer to a POST (a far or slow peer). */
  delayMs: number;
  deliveries: Delivery[];
  /** POSTs still open (a black hole keeps them until the client gives up). */
  open: number;
  /** The longest a POST to this instance stayed open before the client closed it (ms). */
  longestOpenMs: number;
  /** GETs served (actor and key documents fetched by Ecotone). */
  gets: number;
  addActor(name: string, algorithm?: "rsa" | "ed25519"): Promise<SimActor>;
  /** A signed POST of `activity` by `actor`, ready to send. Ed25519 keys sign RFC 9421 only. */
  sign(actor: SimActor, inbox: string, activity: unknown, spec: SignatureSpec): Promise<Request>;
  close(): Promise<void>;
}

type Json = { type?: string; id?: string; actor?: string | { id?: string }; content?: string; object?: Json | string };

function record(instance: SimInstance, body: string): void {
  try {
    const a = JSON.parse(body) as Json;
    const wrapped = typeof a.object === "object" && a.object.object !== undefined ? a.object : null;
    let inner = a.object;
    while (typeof inner === "object" && inner.object !== undefined) inner = inner.object;
    instance.deliveries.push({
      at: performance.now(),
      type: a.type ?? "?",
      id: a.id ?? "",
      // Groups relay to Mastodon-family servers as Announce(activity), and
      // to others (this peer's NodeInfo names no software) the activity as
      // is (ADR 0055): either way, the activity itself.
      inner: wrapped
        ? { type: wrapped.type ?? "?", id: wrapped.id ?? "", actor: typeof wrapped.actor === "string" ? wrapped.actor : (wrapped.actor?.id ?? "") }
        : a.type !== "Announce"
          ? { type: a.type ?? "?", id: a.id ?? "", actor: typeof a.actor === "string" ? a.actor : (a.actor?.id ?? "") }
          : null,
      object: typeof inner === "string" ? inner : (inner?.id ?? null),
      content: typeof inner === "object" ? (inner.content ?? null) : null,
    });
  } catch {
    // not JSON
  }
}

function answer(instance: SimInstance, res: ServerResponse): void {
  if (instance.behaviour === "blackhole") return; // never answer; the client's deadline must hold
  if (instance.behaviour === "drip") {
    res.writeHead(202, { "content-type": "text/plain" });
    const text = "accepted, one byte a second";
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
  if (instance.delayMs > 0) setTimeout(() => res.writeHead(202).end(), instance.delayMs);
  else res.writeHead(202).end();
}

/**
 * `software`: the name its NodeInfo gives (none by default, so Ecotone treats
 * it as a Mastodon-family server; a FEP-1b12 name such as "lemmy" makes group
 * relays send it Announce(activity) for likes too, ADR 0055).
 */
export async function startSimInstance(behaviour: Behaviour = "ok", software: string | null = null): Promise<SimInstance> {
  const documents = new Map<string, string>();
  const server: Server = createServer();
  server.keepAliveTimeout = 30_000;
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
    gets: 0,
    async addActor(name, algorithm = "rsa") {
      const uri = `${origin}/users/${name}`;
      const rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
      const ed = await generateCryptoKeyPair("Ed25519");
      // Both keys are published as publicKey (what HTTP signatures are
      // checked against) and as Multikeys in assertionMethod, as Ecotone
      // and other FEP-521a servers publish theirs.
      const person = new Person({
        id: new URL(uri),
        preferredUsername: name,
        inbox: new URL(`${uri}/inbox`),
        endpoints: new Endpoints({ sharedInbox: new URL(`${origin}/inbox`) }),
        publicKeys: [
          new CryptographicKey({ id: new URL(`${uri}#main-key`), owner: new URL(uri), publicKey: rsa.publicKey }),
          new CryptographicKey({ id: new URL(`${uri}#ed25519-key`), owner: new URL(uri), publicKey: ed.publicKey }),
        ],
        assertionMethods: [
          new Multikey({ id: new URL(`${uri}#main-key`), controller: new URL(uri), publicKey: rsa.publicKey }),
          new Multikey({ id: new URL(`${uri}#ed25519-key`), controller: new URL(uri), publicKey: ed.publicKey }),
        ],
      });
      documents.set(`/users/${name}`, JSON.stringify(await person.toJsonLd({ format: "compact" })));
      return algorithm === "ed25519"
        ? { uri, algorithm, keyId: `${uri}#ed25519-key`, privateKey: ed.privateKey }
        : { uri, algorithm, keyId: `${uri}#main-key`, privateKey: rsa.privateKey };
    },
    async sign(actor, inbox, activity, spec) {
      const request = new Request(inbox, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body: JSON.stringify(activity),
      });
      if (actor.algorithm === "ed25519") return signRequestEd25519(request, actor.privateKey, new URL(actor.keyId));
      return signRequest(request, actor.privateKey, new URL(actor.keyId), { spec });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on("request", (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET") {
      instance.gets++;
      if (software && path === "/.well-known/nodeinfo") {
        return res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ links: [{ rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${origin}/nodeinfo/2.1` }] }));
      }
      if (software && path === "/nodeinfo/2.1") {
        const info = {
          version: "2.1",
          software: { name: software, version: "1.0.0" },
          protocols: ["activitypub"],
          services: { inbound: [], outbound: [] },
          openRegistrations: false,
          usage: { users: {} },
          metadata: {},
        };
        return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(info));
      }
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

export async function startSimInstances(count: number, behaviourOf: (i: number) => Behaviour = () => "ok"): Promise<SimInstance[]> {
  const out: SimInstance[] = [];
  for (let i = 0; i < count; i++) out.push(await startSimInstance(behaviourOf(i)));
  return out;
}
