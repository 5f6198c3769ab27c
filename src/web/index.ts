// Ecotone's own web interface: server-rendered pages over the same services
// as the APIs (docs/adr/0005-web-interface.md), with a small script that
// enhances them when it runs.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { registerAssetRoutes } from "./assets.routes.ts";
import { registerAppShell } from "./app-shell.routes.ts";
import { registerAdminPages } from "./pages/admin.page.ts";
import { registerOrganizationPages } from "./pages/organization.page.ts";
import { registerAuthPages } from "./pages/auth.page.ts";
import { registerChannelPages } from "./pages/channels.page.ts";
import { registerCompanySignInPages } from "./pages/company-sign-in.page.ts";
import { registerGroupPages } from "./pages/group.page.ts";
import { registerGroupDirectory } from "./pages/groups.page.ts";
import { registerHomePages } from "./pages/home.page.ts";
import { registerIdeaPages } from "./pages/ideas.page.ts";
import { registerInsightPages } from "./pages/insights.page.ts";
import { registerNotificationPages } from "./pages/notifications.page.ts";
import { registerPeoplePages } from "./pages/people.page.ts";
import { registerHelperPages } from "./pages/helpers.page.ts";
import { registerPostPages } from "./pages/post.page.ts";
import { registerSearchPages } from "./pages/search.page.ts";
import { registerSimilarQuestions } from "./pages/similar-questions.part.ts";
import { registerTaskPages } from "./pages/tasks.page.ts";
import { registerMultipartSession } from "./multipart-session.ts";
import { webRoutes } from "./routes.ts";

export function registerWebInterface(fastify: FastifyInstance, ctx: ServiceContext): void {
  registerMultipartSession(fastify, ctx);
  const routes = webRoutes(fastify, ctx);
  registerAssetRoutes(fastify);
  registerAppShell(fastify, ctx);
  registerAuthPages(fastify, ctx, routes);
  registerHomePages(fastify, ctx, routes);
  registerGroupDirectory(ctx, routes);
  registerGroupPages(fastify, ctx, routes);
  registerPostPages(fastify, ctx, routes);
  registerSearchPages(ctx, routes);
  registerHelperPages(fastify, ctx, routes);
  registerSimilarQuestions(fastify, ctx);
  registerTaskPages(fastify, ctx, routes);
  registerIdeaPages(ctx, routes);
  registerInsightPages(ctx, routes);
  registerPeoplePages(ctx, routes);
  registerNotificationPages(fastify, ctx, routes);
  registerAdminPages(ctx, routes);
  registerOrganizationPages(ctx, routes);
  registerChannelPages(fastify, ctx, routes);
  registerCompanySignInPages(fastify, ctx);
}
