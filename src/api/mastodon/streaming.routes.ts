// /api/v1/streaming: Mastodon's WebSocket streaming API. The token comes
// from the Authorization header, the Sec-WebSocket-Protocol value or
// `access_token`; a missing, bad or revoked token is refused (401), and a
// token revoked during the session ends it. Each connection polls its
// streams about once a second (see streaming.service.ts). @fastify/websocket
// runs the upgrade through fastify's router, so a refusal is a real HTTP
// answer sent before the upgrade.
import type { IncomingMessage } from "node:http";
import websocket from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { ServiceContext } from "../../services/context.ts";
import { pollChanges, pollSubscription, subscribe, type StreamNews, type Subscription } from "../../services/posts/streaming.service.ts";
import { authenticateToken, type Authenticated } from "../../services/accounts/token.service.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import { hasScope, streamScope } from "../../domain/scopes.ts";
import { renderStreamPayload } from "./stream.render.ts";

const POLL_MS = 1_000;
const REAUTH_MS = 10_000;

function tokenOf(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  const protocol = request.headers["sec-websocket-protocol"];
  if (typeof protocol === "string" && protocol.trim()) return protocol.split(",")[0]!.trim();
  return url.searchParams.get("access_token");
}

/** Awaited: the plugin must be loaded before the streaming route is declared. */
export async function registerStreaming(fastify: FastifyInstance, ctx: ServiceContext): Promise<{ close(): void }> {
  const sockets = new Set<WebSocket>();
  // Who each accepted upgrade belongs to, from the check before the upgrade.
  const accepted = new WeakMap<FastifyRequest, { token: string; auth: Authenticated }>();
  await fastify.register(websocket, { options: { handleProtocols: (protocols) => [...protocols][0] ?? false } });

  fastify.get("/api/v1/streaming/health", async (_request, reply) => reply.type("text/plain").send("OK"));

  const checkToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request.raw, new URL(request.url, ctx.origin));
    const auth = token ? await authenticateToken(ctx, token) : null;
    if (!auth || !token) return reply.code(401).send({ error: "Unauthorized" });
    if (!hasScope(auth.scopes, "read:statuses") && !hasScope(auth.scopes, "read:notifications")) {
      return reply.code(403).send({ error: "Forbidden" });
    }
    // The stream named in the URL needs its own scope, as a later subscription does.
    const initial = new URL(request.url, ctx.origin).searchParams.get("stream");
    if (initial && !hasScope(auth.scopes, streamScope(initial))) {
      return reply.code(403).send({ error: `The ${initial} stream needs the ${streamScope(initial)} scope` });
    }
    accepted.set(request, { token, auth });
  };
  const open = (ws: WebSocket, request: FastifyRequest) => {
    const { token, auth } = accepted.get(request)!;
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    void serve(ws, token, auth, new URL(request.url, ctx.origin)).catch((error: unknown) => {
      ctx.logger.warn({ err: error }, "streaming connection failed");
      ws.close(1011, "internal error");
    });
  };
  // The router ignores a trailing slash, so this also answers /api/v1/streaming/.
  fastify.get("/api/v1/streaming", { websocket: true, preValidation: checkToken }, open);

  async function serve(ws: WebSocket, token: string, auth: Authenticated, url: URL): Promise<void> {
    // Listen before anything is awaited: a client may subscribe the moment
    // the socket opens, and an unheard message is lost.
    const subscriptions = new Map<string, Subscription>();
    const key = (stream: string, tag?: string, list?: string) => `${stream}|${tag ?? ""}|${list ?? ""}`;
    // Mastodon's rule: the notifications stream needs read:notifications, every
    // other read:statuses, and the user stream carries notifications only with
    // read:notifications too.
    const mayRead = (scope: string) => hasScope(auth.scopes, scope);
    const add = (stream: string, tag?: string, list?: string) => {
      try {
        const sub = subscribe(stream, tag, list, { notifications: mayRead("read:notifications") });
        if (!mayRead(streamScope(sub.stream))) {
          ws.send(JSON.stringify({ error: `The ${stream} stream needs the ${streamScope(stream)} scope` }));
          return;
        }
        subscriptions.set(key(stream, tag, list), sub);
      } catch (error) {
        ws.send(JSON.stringify({ error: (error as Error).message }));
      }
    };
    ws.on("message", (data) => {
      try {
        const message = JSON.parse(String(data)) as { type?: string; stream?: string; tag?: string; list?: string };
        if (message.type === "subscribe" && message.stream) add(message.stream, message.tag, message.list);
        if (message.type === "unsubscribe" && message.stream) subscriptions.delete(key(message.stream, message.tag, message.list));
      } catch {
        ws.send(JSON.stringify({ error: 'Messages are JSON: {"type": "subscribe", "stream": "user"}' }));
      }
    });
    const initial = url.searchParams.get("stream");
    if (initial) add(initial, url.searchParams.get("tag") ?? undefined, url.searchParams.get("list") ?? undefined);
    let changesSince = new Date();
    const viewer = await requireLocalUserActor(ctx, auth.user.username);

    let lastAuth = Date.now();
    while (ws.readyState === ws.OPEN) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (ws.readyState !== ws.OPEN) break;
      if (Date.now() - lastAuth > REAUTH_MS) {
        lastAuth = Date.now();
        if (!(await authenticateToken(ctx, token))) {
          ws.close(4001, "token revoked");
          break;
        }
      }
      const checkedAt = new Date();
      for (const sub of subscriptions.values()) {
        const name = sub.tag ? [sub.stream, sub.tag] : [sub.stream];
        await send(ws, name, await pollSubscription(ctx, viewer.id, sub), viewer.id);
      }
      // Edits and deletions are statuses: not for a token that may read only notifications.
      if (subscriptions.size > 0 && mayRead("read:statuses")) {
        await send(ws, [...subscriptions.values()].map((s) => s.stream).slice(0, 1), await pollChanges(ctx, viewer.id, changesSince), viewer.id);
      }
      changesSince = checkedAt;
    }
  }

  async function send(ws: WebSocket, stream: string[], news: StreamNews[], viewerId: string): Promise<void> {
    for (const item of news) {
      // The same payload as the Server-Sent Events door sends (stream.render.ts).
      const payload = await renderStreamPayload(ctx, item, viewerId);
      if (payload === null) continue;
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ stream, event: item.event, payload }));
    }
  }

  return {
    close() {
      for (const ws of sockets) ws.terminate();
    },
  };
}
