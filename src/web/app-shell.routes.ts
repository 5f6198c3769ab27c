// The installable web app: the manifest, the service worker (served from the
// root so its scope is the whole site) and the offline shell it keeps.
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../services/context.ts";
import { html } from "./html.ts";
import { sendPage } from "./layout.ts";

const SERVICE_WORKER = readFileSync(new URL("./pwa/sw.js", import.meta.url), "utf8");

export function registerAppShell(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/manifest.webmanifest", async (_request, reply) =>
    reply
      .header("content-type", "application/manifest+json; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send({
        name: ctx.instanceName,
        short_name: ctx.instanceName.slice(0, 12),
        description: `${ctx.instanceName}: groups, questions, ideas and tasks with your partners`,
        id: "/",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#1f5f4a",
        icons: [{ src: "/assets/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any maskable" }],
      }),
  );

  fastify.get("/sw.js", async (_request, reply) =>
    reply
      .header("content-type", "text/javascript; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("service-worker-allowed", "/")
      .send(SERVICE_WORKER),
  );

  // No session and nothing personal: the service worker keeps this page.
  fastify.get("/offline", async (request, reply) =>
    sendPage(ctx, request, reply, {
      title: "Offline",
      session: null,
      body: html`<h1>You are offline</h1><p>${ctx.instanceName} needs a connection to show your groups and notifications. This page reloads when you try again.</p><p><a href="/">Try again</a></p>`,
    }),
  );
}
