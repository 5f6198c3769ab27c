// /api/v1/streaming: Mastodon's WebSocket streaming API. The token comes
// from the Authorization header, the Sec-WebSocket-Protocol value or
// `access_token`; a missing, bad or revoked token is refused (401), and a
// token revoked during the session ends it. Each connection polls its
// streams about once a second (see streaming.service.ts).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { WebSocketServer, type WebSocket } from "ws";
import { renderHomeItems, renderStatuses } from "./render.ts";
import type { ServiceContext } from "../../services/context.ts";
import { pollChanges, pollSubscription, subscribe, type StreamNews, type Subscription } from "../../services/streaming.service.ts";
import { authenticateToken, type Authenticated } from "../../services/token.service.ts";
import { requireLocalUserActor } from "../../services/actor.service.ts";
import { hasScope } from "../../domain/scopes.ts";
import { renderNotification } from "./notification.render.ts";

const POLL_MS = 1_000;
const REAUTH_MS = 10_000;
const PATH = /^\/api\/v1\/streaming\/?$/;

function tokenOf(request: IncomingMessage, url: URL): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  const protocol = request.headers["sec-websocket-protocol"];
  if (typeof protocol === "string" && protocol.trim()) return protocol.split(",")[0]!.trim();
  return url.searchParams.get("access_token");
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n{"error":"${reason}"}`);
}

export function registerStreaming(fastify: FastifyInstance, ctx: ServiceContext): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => [...protocols][0] ?? false });
  const sockets = new Set<WebSocket>();

  fastify.get("/api/v1/streaming/health", async (_request, reply) => reply.type("text/plain").send("OK"));

  fastify.server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", ctx.origin);
    if (!PATH.test(url.pathname)) {
      refuse(socket, 404, "Not Found");
      return;
    }
    void (async () => {
      const token = tokenOf(request, url);
      const auth = token ? await authenticateToken(ctx, token) : null;
      if (!auth || !token) return refuse(socket, 401, "Unauthorized");
      if (!hasScope(auth.scopes, "read:statuses") && !hasScope(auth.scopes, "read:notifications")) {
        return refuse(socket, 403, "Forbidden");
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        sockets.add(ws);
        ws.on("close", () => sockets.delete(ws));
        void serve(ws, token, auth, url).catch((error: unknown) => {
          ctx.logger.warn({ err: error }, "streaming connection failed");
          ws.close(1011, "internal error");
        });
      });
    })().catch(() => refuse(socket, 500, "Internal Server Error"));
  });

  async function serve(ws: WebSocket, token: string, auth: Authenticated, url: URL): Promise<void> {
    // Listen before anything is awaited: a client may subscribe the moment
    // the socket opens, and an unheard message is lost.
    const subscriptions = new Map<string, Subscription>();
    const key = (stream: string, tag?: string) => `${stream}|${tag ?? ""}`;
    const add = (stream: string, tag?: string) => {
      try {
        subscriptions.set(key(stream, tag), subscribe(stream, tag));
      } catch (error) {
        ws.send(JSON.stringify({ error: (error as Error).message }));
      }
    };
    ws.on("message", (data) => {
      try {
        const message = JSON.parse(String(data)) as { type?: string; stream?: string; tag?: string };
        if (message.type === "subscribe" && message.stream) add(message.stream, message.tag);
        if (message.type === "unsubscribe" && message.stream) subscriptions.delete(key(message.stream, message.tag));
      } catch {
        ws.send(JSON.stringify({ error: "Messages are JSON: {\"type\": \"subscribe\", \"stream\": \"user\"}" }));
      }
    });
    const initial = url.searchParams.get("stream");
    if (initial) add(initial, url.searchParams.get("tag") ?? undefined);
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
      if (subscriptions.size > 0) {
        await send(ws, [...subscriptions.values()].map((s) => s.stream).slice(0, 1), await pollChanges(ctx, viewer.id, changesSince), viewer.id);
      }
      changesSince = checkedAt;
    }
  }

  async function send(ws: WebSocket, stream: string[], news: StreamNews[], viewerId: string): Promise<void> {
    for (const item of news) {
      let payload: string;
      if (item.event === "update") payload = JSON.stringify((await renderHomeItems(ctx, [item.item]))[0]);
      else if (item.event === "status.update") payload = JSON.stringify((await renderStatuses(ctx, [item.entry]))[0]);
      else if (item.event === "delete") payload = item.postId;
      else {
        const rendered = await renderNotification(ctx, viewerId, item.id);
        if (!rendered) continue;
        payload = JSON.stringify(rendered);
      }
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ stream, event: item.event, payload }));
    }
  }

  return {
    close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
