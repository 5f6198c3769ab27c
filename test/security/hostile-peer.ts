// A remote server for hostile-input tests, more flexible than
// test/helpers/fake-peer.ts: any host name (with fake-dns.ts a "public" name
// can point at it), per-path handlers (redirects, wrong content types, slow
// or endless answers), a log of every request it received, and signed POSTs
// that can be replayed byte for byte or signed for another method.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Person } from "@fedify/vocab";
import { freePort } from "../helpers/instances.ts";

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown;

export interface SignedRequest {
  url: string;
  headers: Headers;
  body: string;
}

export interface HostilePeer {
  origin: string;
  host: string;
  port: number;
  /** Every request received, in order, with the signature style it carried. */
  hits: Array<{ method: string; path: string; host: string; at: number; signature: "rfc9421" | "cavage" | null }>;
  /** TCP connections accepted (counts TLS attempts too). */
  connections(): number;
  /** Serves `document` at `path` (JSON unless a string), with this content type. */
  serve(path: string, document: unknown, options?: { contentType?: string; status?: number; headers?: Record<string, string> }): void;
  /** Hands `path` (exact, or a prefix ending in `*`) to `handler`. */
  handle(path: string, handler: Handler): void;
  /** A Person at /users/{name} with this peer's key; `extra` is merged into its JSON. */
  addActor(
    name: string,
    extra?: Record<string, unknown>,
    options?: { contentType?: string },
  ): Promise<{ uri: string; keyId: string; json: Record<string, unknown> }>;
  /** Signs a request for `url` (method POST unless told) carrying `activity`. */
  sign(url: string, activity: unknown, keyId: string, options?: { method?: string }): Promise<SignedRequest>;
  /** Sends a signed request as a POST (whatever method it was signed for). */
  send(request: SignedRequest, targetUrl?: string, body?: string): Promise<Response>;
  /** sign + send. */
  post(inbox: string, activity: unknown, keyId: string): Promise<Response>;
  close(): Promise<void>;
}

// Instances wrap the process's fetch with their deadline: keep the original
// so a test's own requests are never cut short.
const clientFetch = globalThis.fetch;

export async function startHostilePeer(options: { hostname?: string; alsoIPv6?: boolean } = {}): Promise<HostilePeer> {
  const port = await freePort();
  const hostname = options.hostname ?? "127.0.0.1";
  const origin = `http://${hostname}:${port}`;
  const exact = new Map<string, Handler>();
  const prefixes: Array<[string, Handler]> = [];
  const hits: HostilePeer["hits"] = [];
  const sockets = new Set<Socket>();
  let connectionCount = 0;
  const keyPair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const signature = req.headers["signature-input"] ? "rfc9421" : req.headers.signature ? "cavage" : null;
    hits.push({ method: req.method ?? "GET", path: url.pathname, host: req.headers.host ?? "", at: Date.now(), signature });
    const handler = exact.get(url.pathname) ?? prefixes.find(([p]) => url.pathname.startsWith(p))?.[1];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    try {
      await handler(req, res, url);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  const servers: Server[] = [server];
  // The same peer on [::1] too, so IPv6 loopback URLs would reach it.
  if (options.alsoIPv6) servers.push(createServer((req, res) => server.emit("request", req, res)));
  for (const s of servers) {
    s.on("connection", (socket) => {
      connectionCount += 1;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  }
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  if (servers[1]) await new Promise<void>((resolve) => servers[1]!.listen(port, "::1", resolve));

  const peer: HostilePeer = {
    origin,
    host: `${hostname}:${port}`,
    port,
    hits,
    connections: () => connectionCount,
    serve(path, document, opts = {}) {
      const body = typeof document === "string" ? document : JSON.stringify(document);
      exact.set(path, (_req, res) => {
        res.writeHead(opts.status ?? 200, { "content-type": opts.contentType ?? "application/activity+json", ...opts.headers });
        res.end(body);
      });
    },
    handle(path, handler) {
      if (path.endsWith("*")) prefixes.push([path.slice(0, -1), handler]);
      else exact.set(path, handler);
    },
    async addActor(name, extra = {}, opts = {}) {
      const uri = `${origin}/users/${name}`;
      const keyId = `${uri}#main-key`;
      const person = new Person({
        id: new URL(uri),
        preferredUsername: name,
        inbox: new URL(`${uri}/inbox`),
        publicKey: new CryptographicKey({ id: new URL(keyId), owner: new URL(uri), publicKey: keyPair.publicKey }),
      });
      const json = { ...((await person.toJsonLd({ format: "compact" })) as Record<string, unknown>), ...extra };
      peer.serve(`/users/${name}`, json, { contentType: opts.contentType });
      return { uri, keyId, json };
    },
    async sign(url, activity, keyId, opts = {}) {
      const body = JSON.stringify(activity);
      const request = new Request(url, {
        method: opts.method ?? "POST",
        headers: { "content-type": "application/activity+json", accept: "application/activity+json" },
        ...(opts.method === "GET" || opts.method === "HEAD" ? {} : { body }),
      });
      const signed = await signRequest(request, keyPair.privateKey, new URL(keyId), { spec: "draft-cavage-http-signatures-12" });
      return { url, headers: new Headers(signed.headers), body };
    },
    send(request, targetUrl, body) {
      return clientFetch(targetUrl ?? request.url, { method: "POST", headers: request.headers, body: body ?? request.body });
    },
    async post(inbox, activity, keyId) {
      return peer.send(await peer.sign(inbox, activity, keyId));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
  return peer;
}

export const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";
