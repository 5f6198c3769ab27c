// Ecotone's own web interface: server-rendered pages over the same services
// as the APIs (docs/adr/0005-web-interface.md), with a small script that
// enhances them when it runs.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { registerAssetRoutes } from "./assets.routes.ts";
import { registerAdminPages } from "./pages/admin.page.ts";
import { registerOrganizationPages } from "./pages/organization.page.ts";
import { registerAuthPages } from "./pages/auth.page.ts";
import { registerGroupPages } from "./pages/group.page.ts";
import { registerGroupDirectory } from "./pages/groups.page.ts";
import { registerHomePages } from "./pages/home.page.ts";
import { registerIdeaPages } from "./pages/ideas.page.ts";
import { registerPeoplePages } from "./pages/people.page.ts";
import { registerPostPages } from "./pages/post.page.ts";
import { registerTaskPages } from "./pages/tasks.page.ts";
import { webRoutes } from "./routes.ts";

export function registerWebInterface(fastify: FastifyInstance, ctx: ServiceContext): void {
  const routes = webRoutes(fastify, ctx);
  registerAssetRoutes(fastify);
  registerAuthPages(fastify, ctx, routes);
  registerHomePages(fastify, ctx, routes);
  registerGroupDirectory(ctx, routes);
  registerGroupPages(fastify, ctx, routes);
  registerPostPages(ctx, routes);
  registerTaskPages(ctx, routes);
  registerIdeaPages(ctx, routes);
  registerPeoplePages(ctx, routes);
  registerAdminPages(ctx, routes);
  registerOrganizationPages(ctx, routes);
}
