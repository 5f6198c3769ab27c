// A tiny "remote server" for tests that need a peer we control: it serves
// JSON-LD documents (actors, keys) and signs requests with its own keys, so
// tests can send well-formed, forged or tampered activities to an instance.
import { createServer, type Server } from "node:http";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Person } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { freePort } from "./instances.ts";

export interface FakePeer {
  origin: string;
  host: string;
  keyPair: CryptoKeyPair;
  /** Serves `document` as application/activity+json at `path`. */
  serve(path: string, document: unknown): void;
  /** A Person at /users/{name} whose publicKey is this peer's key. */
  addActor(name: string): Promise<{ uri: string; keyId: string }>;
  /** A key document that claims `ownerUri` (any actor, anywhere) as its owner. */
  addKeyClaimingOwner(path: string, ownerUri: string): Promise<string>;
  /** POSTs `activity` to `inbox`, signed with this peer's key as `keyId`. */
  post(
    inbox: string,
    activity: unknown,
    keyId: string,
    tamper?: (body: string) => string,
    options?: { signedFor?: string; signedAt?: Date },
  ): Promise<Response>;
  /** Every activity POSTed to this peer (its actors' inboxes), in order; the POST itself is answered 404. */
  readonly received: Array<{ path: string; activity: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startFakePeer(): Promise<FakePeer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const documents = new Map<string, unknown>();
  const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  const received: FakePeer["received"] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        try {
          received.push({ path: req.url ?? "/", activity: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
        } catch {
          // not JSON: nothing to record
        }
        res.writeHead(404).end();
      });
      return;
    }
    const doc = documents.get((req.url ?? "/").split("?")[0]!);
    if (doc === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    origin,
    host: `127.0.0.1:${port}`,
    keyPair,
    received,
    serve(path, document) {
      documents.set(path, document);
    },
    async addActor(name) {
      const uri = `${origin}/users/${name}`;
      const keyId = `${uri}#main-key`;
      const person = new Person({
        id: new URL(uri),
        preferredUsername: name,
        inbox: new URL(`${uri}/inbox`),
        publicKey: new CryptographicKey({ id: new URL(keyId), owner: new URL(uri), publicKey: keyPair.publicKey }),
      });
      documents.set(`/users/${name}`, await person.toJsonLd({ format: "compact" }));
      return { uri, keyId };
    },
    async addKeyClaimingOwner(path, ownerUri) {
      const keyId = `${origin}${path}`;
      const key = new CryptographicKey({ id: new URL(keyId), owner: new URL(ownerUri), publicKey: keyPair.publicKey });
      documents.set(path, await key.toJsonLd({ format: "compact" }));
      return keyId;
    },
    async post(inbox, activity, keyId, tamper, options = {}) {
      const body = JSON.stringify(activity);
      // Sign a request for `signedFor` (another URL) but send it to `inbox`.
      const request = new Request(options.signedFor ?? inbox, {
        method: "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        body,
      });
      const signed = await signRequest(request, keyPair.privateKey, new URL(keyId), {
        spec: "draft-cavage-http-signatures-12",
        ...(options.signedAt ? { currentTime: Temporal.Instant.fromEpochMilliseconds(options.signedAt.getTime()) } : {}),
      });
      const finalBody = tamper ? tamper(body) : body;
      return fetch(inbox, { method: "POST", headers: signed.headers, body: finalBody });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
