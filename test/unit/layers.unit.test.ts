import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLayers } from "../tools/check-layers.ts";

const REPO = join(import.meta.dirname, "../..");

/** A small repository: each file's text, by path; node_modules is the real one, so packages resolve. */
function plant(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ecotone-layers-"));
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** What a clean tree needs so that planted imports resolve to real files. */
const BASE: Record<string, string> = {
  "src/app.ts": 'import Fastify from "fastify";\nexport const createApp = () => Fastify();\n',
  "src/main.ts": 'import { createApp } from "./app.ts";\ncreateApp();\n',
  "src/domain/errors.ts": "export class DomainError extends Error {}\n",
  "src/db/schema.ts": 'import type { Generated } from "kysely";\nexport interface Database { posts: { id: Generated<string> } }\n',
  "src/db/queries/post.queries.ts":
    'import { sql } from "kysely";\nimport type { Database } from "../schema.ts";\nexport const q = (d?: Database) => [d, sql`1`];\n',
  "src/services/context.ts":
    'import type { Kysely } from "kysely";\nimport type { Database } from "../db/schema.ts";\nexport interface ServiceContext { db: Kysely<Database> }\n',
  "src/services/post.service.ts": 'import { DomainError } from "../domain/errors.ts";\nexport const e = DomainError;\n',
  "src/federation/federation.ts": 'import { Note } from "@fedify/vocab";\nimport { e } from "../services/post.service.ts";\nexport const x = [Note, e];\n',
  "src/api/mastodon/status.routes.ts":
    'import type { FastifyInstance } from "fastify";\n' +
    'import { q } from "../../db/queries/post.queries.ts";\nexport const r = (f: FastifyInstance) => [f, q];\n',
  "src/api/ecotone/post.routes.ts": 'import type { ServiceContext } from "../../services/context.ts";\nexport const r = (ctx: ServiceContext) => ctx;\n',
  "src/web/session.ts": "export const SESSION_COOKIE = 'ecotone_session';\n",
  "src/http/auth.ts": 'import type { FastifyInstance } from "fastify";\nexport const a = (f: FastifyInstance) => f;\n',
  "src/cli/commands.ts": 'import type { ServiceContext } from "../services/context.ts";\nexport const c = (ctx: ServiceContext) => ctx.db;\n',
  "migrations/0001_foundation.ts": 'import type { Kysely } from "kysely";\nexport async function up(db: Kysely<any>) { return db; }\n',
};

const found = async (root: string) => (await checkLayers(root)).map((v) => `${v.file}: ${v.rule}`).sort();

describe("layering check", () => {
  it("finds no violation in the repository", async () => {
    expect(await checkLayers()).toEqual([]);
  });

  it("passes a clean tree, where modules may name each other's types", async () => {
    const typeCycle = {
      "src/services/a.service.ts": 'import type { B } from "./b.service.ts";\nexport interface A { b?: B }\n',
      "src/services/b.service.ts": 'import type { A } from "./a.service.ts";\nexport interface B { a?: A }\n',
    };
    expect(await found(plant({ ...BASE, ...typeCycle }))).toEqual([]);
  });

  it("fails on each kind of violation ARCHITECTURE.md forbids", async () => {
    const root = plant({
      ...BASE,
      // Raw SQL in a service.
      "src/services/post.service.ts": 'import { sql } from "kysely";\nexport const s = sql`select 1`;\n',
      // I/O in the domain, and a domain rule reaching into db.
      "src/domain/rules.ts":
        'import { readFileSync } from "node:fs";\nimport type { Database } from "../db/schema.ts";\nexport const r = [readFileSync] as unknown as Database;\n',
      // A new folder nobody knows the rules of, importing fastify and the composition root.
      "src/plugins/extra.ts": 'import Fastify from "fastify";\nimport { createApp } from "../app.ts";\nexport const p = [Fastify, createApp];\n',
      // The plumbing importing a door.
      "src/http/auth.ts": 'import { SESSION_COOKIE } from "../web/session.ts";\nexport const a = SESSION_COOKIE;\n',
      // The CLI importing the plumbing.
      "src/cli/commands.ts": 'import { a } from "../http/auth.ts";\nexport const c = a;\n',
      // A route writing through ctx.db.
      "src/api/ecotone/post.routes.ts":
        'import type { ServiceContext } from "../../services/context.ts";\n' +
        'export const r = (ctx: ServiceContext) => ctx.db.insertInto("posts").values({}).execute();\n',
      // The Mastodon API and the ActivityPub door importing each other.
      "src/api/mastodon/status.routes.ts": 'import { x } from "../../federation/federation.ts";\nexport const r = x;\n',
      "src/federation/inbox.ts": 'import { r } from "../api/mastodon/status.routes.ts";\nexport const i = r;\n',
      // A service importing fastify types and Fedify.
      "src/services/media.service.ts":
        'import type { FastifyRequest } from "fastify";\nimport type { Note } from "@fedify/vocab";\nexport type M = [FastifyRequest, Note];\n',
      // Two modules that import each other (a cycle is reported once).
      "src/services/task.service.ts": 'import { copy } from "./task-copy.service.ts";\nexport const task = () => copy;\n',
      "src/services/task-copy.service.ts": 'import { task } from "./task.service.ts";\nexport const copy = () => task;\n',
      // A migration importing the app's schema and a package other than kysely.
      "migrations/0002_posts.ts":
        'import type { Database } from "../src/db/schema.ts";\nimport { pino } from "pino";\nexport const m = [pino] as unknown as Database;\n',
    });
    expect(await found(root)).toEqual(
      [
        "migrations/0002_posts.ts: migrations-import-only-kysely",
        "migrations/0002_posts.ts: migrations-import-only-kysely",
        "src/api/ecotone/post.routes.ts: doors-never-touch-ctx-db",
        "src/api/mastodon/status.routes.ts: doors-import-services-and-queries",
        "src/api/mastodon/status.routes.ts: mastodon-and-federation-apart",
        "src/cli/commands.ts: cli-goes-through-services",
        "src/domain/rules.ts: domain-does-no-io",
        "src/domain/rules.ts: domain-imports-only-domain",
        "src/federation/inbox.ts: federation-imports-the-core",
        "src/federation/inbox.ts: mastodon-and-federation-apart",
        "src/http/auth.ts: http-imports-no-door",
        "src/plugins/extra.ts: fastify-only-in-http-and-the-doors",
        "src/plugins/extra.ts: known-folders-only",
        "src/plugins/extra.ts: nothing-imports-the-composition-root",
        "src/services/media.service.ts: fastify-only-in-http-and-the-doors",
        "src/services/media.service.ts: fedify-only-in-federation",
        "src/services/media.service.ts: no-framework-in-the-core",
        "src/services/media.service.ts: no-framework-in-the-core",
        "src/services/post.service.ts: sql-only-in-db",
        "src/services/task-copy.service.ts: no-circular",
      ].sort(),
    );
  });

  it("counts a file in an unknown folder even when it imports nothing", async () => {
    expect(await found(plant({ ...BASE, "src/lib/helpers.ts": "export const x = 1;\n" }))).toEqual(["src/lib/helpers.ts: known-folders-only"]);
  });
});
