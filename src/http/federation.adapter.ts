// Lets Fedify answer ActivityPub, WebFinger and NodeInfo requests inside
// fastify, and hands everything else back to fastify's own routes.
//
// Fedify's upstream fastify plugin is not in the registry here, so this is the
// small adapter. It runs as an onRequest hook, before fastify parses any body:
// inbox bodies are read here, capped at `bodyLimit` before Fedify sees them
// (fastify's own bodyLimit does not apply to a body we read ourselves).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { signatureKeyId } from "../domain/trust.rules.ts";
import { describeJsonProblem, parseJsonBody } from "./json-limits.ts";

/** The part of a Fedify Federation this adapter needs (no Fedify import in http/). */
export interface FederationFetcher<TContextData> {
  fetch(
    request: Request,
    options: {
      contextData: TContextData;
      onNotFound?: (request: Request) => Response | Promise<Response>;
      onUnauthorized?: (request: Request) => Response | Promise<Response>;
      onNotAcceptable?: (request: Request) => Response | Promise<Response>;
    },
  ): Promise<Response>;
}

/** An inbox POST's body, read and parsed once by the adapter. */
export interface InboxBody {
  bytes: Buffer;
  json: unknown;
}

export interface FederationAdapterOptions<TContextData> {
  federation: FederationFetcher<TContextData>;
  contextData: TContextData;
  origin: URL;
  bodyLimit: number;
  /** Paths that accept ActivityPub POSTs (inboxes). */
  isInboxPath: (path: string) => boolean;
  /** The federation policy: may this host deliver to us? */
  isPeerAllowed?: (host: string) => Promise<boolean>;
  /** Counts inbox POSTs (operations metrics, delivery tests). */
  onInboxPost?: (path: string) => void;
  /**
   * Answers what Fedify cannot (ForgeFed task documents and activities);
   * null passes the request on to Fedify, so it must not read the request's
   * body unless it answers (`body` holds it, parsed).
   */
  beforeFederation?: (request: Request, body: InboxBody | undefined) => Promise<Response | null>;
}

/** The host of the key that signed a request (draft-cavage or RFC 9421), if any. */
export function signerHost(headers: Record<string, string | string[] | undefined>): string | null {
  const signature = [headers["signature"], headers["signature-input"]].flat().filter(Boolean).join(",");
  const keyId = signatureKeyId(signature);
  if (!keyId) return null;
  try {
    return new URL(keyId).host.toLowerCase();
  } catch {
    return null;
  }
}

const FALL_THROUGH = 599;

export function registerFederationAdapter<T>(fastify: FastifyInstance, options: FederationAdapterOptions<T>): void {
  fastify.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?", 1)[0] ?? "/";
    const isRead = request.method === "GET" || request.method === "HEAD";
    const isInboxPost = request.method === "POST" && options.isInboxPath(path);
    if (!isRead && !isInboxPost) return;

    if (isInboxPost) options.onInboxPost?.(path);
    // Refuse peers outside the federation policy before reading anything: their
    // deliveries, and their signed reads too (a host blocked after its people
    // joined a group would otherwise still fetch the group's members-only posts).
    const host = signerHost(request.headers);
    if (host && options.isPeerAllowed && !(await options.isPeerAllowed(host))) {
      return reply
        .code(403)
        .header("connection", "close")
        .type("application/json")
        .send({ error: { code: "forbidden", message: `This instance does not federate with ${host}` } });
    }

    let body: InboxBody | undefined;
    if (isInboxPost) {
      const read = await readCappedBody(request, options.bodyLimit);
      if (read === "too_large") {
        // Close the connection rather than read the rest of a body we refuse.
        return reply
          .code(413)
          .header("connection", "close")
          .type("application/json")
          .send({ error: { code: "payload_too_large", message: `Body exceeds ${options.bodyLimit} bytes` } });
      }
      // Malformed or absurdly nested JSON-LD is the sender's fault: 400, not a
      // stack overflow (500) somewhere in JSON-LD processing.
      const parsed = parseJsonBody(read.toString("utf8"));
      if ("problem" in parsed) {
        return reply
          .code(400)
          .type("application/json")
          .send({ error: { code: "validation_failed", message: describeJsonProblem(parsed.problem) } });
      }
      body = { bytes: read, json: parsed.value };
    }

    // One web Request for both: the hook reads only its headers unless it answers.
    const webRequest = toWebRequest(request, options.origin, body?.bytes);
    if (options.beforeFederation) {
      const answered = await options.beforeFederation(webRequest, body);
      if (answered) return sendWebResponse(reply, answered);
    }
    const response = await options.federation.fetch(webRequest, {
      contextData: options.contextData,
      onNotFound: () => new Response(null, { status: FALL_THROUGH }),
      // Members-only objects: an outsider learns nothing, not even that they exist.
      onUnauthorized: () => new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } }),
      // A browser asking for an actor gets fastify's HTML page instead.
      onNotAcceptable: () => new Response(null, { status: FALL_THROUGH }),
    });
    if (response.status === FALL_THROUGH) {
      if (isInboxPost) return reply.code(404).send({ error: { code: "not_found", message: "No such inbox" } });
      return;
    }
    return sendWebResponse(reply, response);
  });
}

async function readCappedBody(request: FastifyRequest, limit: number): Promise<Buffer | "too_large"> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) return "too_large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too_large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toWebRequest(request: FastifyRequest, origin: URL, body: Buffer | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // URIs we mint use the public origin, and signatures are checked against
  // it: a draft-cavage signature covers the Host header, so one made for
  // another server (replayed to us) must not verify because the request says
  // that server's name. Behind a proxy, our origin is what the sender signed.
  headers.set("host", origin.host);
  const url = new URL(request.url, origin);
  return new Request(url, {
    method: request.method,
    headers,
    ...(body !== undefined ? { body: new Uint8Array(body) } : {}),
  });
}

async function sendWebResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    reply.header(name, value);
  });
  const payload = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  return reply.send(payload);
}
