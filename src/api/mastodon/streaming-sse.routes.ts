// Mastodon's streaming API over Server-Sent Events, beside the WebSocket one
// (streaming.ts): GET /api/v1/streaming/user, /user/notification, /public,
// /public/local, /public/remote, /hashtag?tag=, /hashtag/local?tag=,
// /list?list=. The token comes from the Authorization header or
// `access_token`; events are `event: update` + `data: <json>`, with a
// `:thump` heartbeat. The same polling service feeds both transports.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { renderStreamPayload } from "./stream.render.ts";
import { hasScope, streamScope } from "../../domain/scopes.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { pollChanges, pollSubscription, subscribe, type Subscription } from "../../services/posts/streaming.service.ts";
import { authenticateToken } from "../../services/accounts/token.service.ts";

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
const REAUTH_MS = 10_000;

const PATHS: Record<string, string> = {
  user: "user",
  "user/notification": "user:notification",
  public: "public",
  "public/local": "public:local",
  "public/remote": "public:remote",
  hashtag: "hashtag",
  "hashtag/local": "hashtag:local",
  list: "list",
};

function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  const q = request.query as Record<string, unknown>;
  return typeof q.access_token === "string" ? q.access_token : null;
}

export function registerSseStreaming(fastify: FastifyInstance, ctx: ServiceContext): void {
  const open = new Set<FastifyReply>();
  // Hijacked responses are not closed by fastify: end them before the server waits for its connections.
  fastify.addHook("preClose", async () => {
    for (const reply of open) reply.raw.end();
  });

  for (const [path, stream] of Object.entries(PATHS)) {
    fastify.get(`/api/v1/streaming/${path}`, async (request, reply) => {
      const token = tokenOf(request);
      const auth = token ? await authenticateToken(ctx, token) : null;
      if (!auth || !token) return reply.code(401).send({ error: "The access token is invalid, expired or revoked" });
      // Mastodon's rule: the notifications stream needs read:notifications, every other read:statuses.
      if (!hasScope(auth.scopes, streamScope(stream))) {
        return reply.code(403).send({ error: `The ${stream} stream needs the ${streamScope(stream)} scope` });
      }
      const mayReadStatuses = hasScope(auth.scopes, "read:statuses");
      const q = request.query as Record<string, unknown>;
      let sub: Subscription;
      try {
        sub = subscribe(stream, typeof q.tag === "string" ? q.tag : undefined, typeof q.list === "string" ? q.list : undefined, {
          notifications: hasScope(auth.scopes, "read:notifications"),
        });
      } catch (error) {
        return reply.code(422).send({ error: (error as Error).message });
      }
      if (stream === "list" && !sub.list) return reply.code(422).send({ error: "The list stream needs ?list=<id>" });
      const viewer = await requireLocalUserActor(ctx, auth.user.username);

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
        "access-control-allow-origin": "*",
      });
      raw.write(":)\n\n");
      open.add(reply);
      let closed = false;
      raw.on("close", () => {
        closed = true;
        open.delete(reply);
      });
      const name = sub.tag ? [sub.stream, sub.tag] : sub.list ? [sub.stream, sub.list] : [sub.stream];
      let changesSince = new Date();
      let lastAuth = Date.now();
      let lastBeat = Date.now();
      try {
        while (!closed) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          if (closed) break;
          if (Date.now() - lastAuth > REAUTH_MS) {
            lastAuth = Date.now();
            if (!(await authenticateToken(ctx, token))) break;
          }
          const checkedAt = new Date();
          // Edits and deletions are statuses: not for a token that may read only notifications.
          const changes = mayReadStatuses ? await pollChanges(ctx, viewer.id, changesSince) : [];
          const news = [...(await pollSubscription(ctx, viewer.id, sub)), ...changes];
          changesSince = checkedAt;
          for (const item of news) {
            const payload = await renderStreamPayload(ctx, item, viewer.id);
            // One `data:` line: payloads are JSON or an id, never multi-line.
            if (payload !== null && !closed) raw.write(`event: ${item.event}\ndata: ${payload}\n\n`);
          }
          if (Date.now() - lastBeat > HEARTBEAT_MS) {
            lastBeat = Date.now();
            raw.write(":thump\n\n");
          }
        }
      } catch (error) {
        ctx.logger.warn({ err: error, stream: name.join(":") }, "server-sent events stream failed");
      } finally {
        open.delete(reply);
        raw.end();
      }
    });
  }
}
