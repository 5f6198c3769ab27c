// The Mastodon client API, as far as it is implemented (docs/clients.md).
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { registerMastodonAccountRoutes } from "./account.routes.ts";
import { registerMastodonBlockRoutes } from "./block.routes.ts";
import { registerMastodonConversationRoutes } from "./conversation.routes.ts";
import { registerMastodonPollRoutes } from "./poll.routes.ts";
import { registerMastodonDirectoryRoutes } from "./directory.routes.ts";
import { registerMastodonFilterRoutes } from "./filter.routes.ts";
import { registerMastodonInstanceRoutes } from "./instance.routes.ts";
import { registerMastodonListRoutes } from "./list.routes.ts";
import { registerMastodonMediaRoutes } from "./media.routes.ts";
import { registerMastodonNotificationRoutes } from "./notification.routes.ts";
import { registerMastodonReportRoutes } from "./report.routes.ts";
import { registerMastodonSearchRoutes } from "./search.routes.ts";
import { registerMastodonStatusRoutes } from "./status.routes.ts";
import { registerMastodonStatusSourceRoutes } from "./status-source.routes.ts";
import { registerMastodonTagRoutes } from "./tag.routes.ts";
import { registerMastodonTimelineRoutes } from "./timeline.routes.ts";
import { registerMastodonTrendRoutes } from "./trend.routes.ts";

export function registerMastodonApi(fastify: FastifyInstance, ctx: ServiceContext): void {
  registerMastodonInstanceRoutes(fastify, ctx);
  registerMastodonAccountRoutes(fastify, ctx);
  registerMastodonBlockRoutes(fastify, ctx);
  registerMastodonStatusRoutes(fastify, ctx);
  registerMastodonStatusSourceRoutes(fastify, ctx);
  registerMastodonTimelineRoutes(fastify, ctx);
  registerMastodonNotificationRoutes(fastify, ctx);
  registerMastodonSearchRoutes(fastify, ctx);
  registerMastodonMediaRoutes(fastify, ctx);
  registerMastodonListRoutes(fastify, ctx);
  registerMastodonTagRoutes(fastify, ctx);
  registerMastodonTrendRoutes(fastify, ctx);
  registerMastodonFilterRoutes(fastify, ctx);
  registerMastodonDirectoryRoutes(fastify, ctx);
  registerMastodonReportRoutes(fastify, ctx);
  registerMastodonConversationRoutes(fastify, ctx);
  registerMastodonPollRoutes(fastify, ctx);
}
