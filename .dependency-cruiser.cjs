// The layering rules of ARCHITECTURE.md, checked by dependency-cruiser over
// src/ and migrations/ (`npm run lint` runs it through test/tools/check-layers.ts,
// which adds the few rules an import graph cannot see: unknown folders, raw
// `sql` outside src/db/, doors touching `ctx.db`). Each rule's name is what a
// failing run prints, so it says what is forbidden.
/** Files of src/ that are not in a layer folder: the composition root. */
const ROOT_FILES = "^src/(app|main|config|demo|first-admin)\\.ts$";

/**
 * What a layer may import of src/, one line each: `only` the folders listed
 * (besides its own), or anything but the folders it must `never` import.
 */
const LAYER_IMPORTS = [
  {
    name: "services-import-domain-and-db",
    comment: "src/services/ is the core: it imports src/domain/ and src/db/, never a door",
    layer: "services",
    only: ["domain", "db"],
  },
  {
    name: "federation-imports-the-core",
    comment: "src/federation/ imports src/domain/, src/db/ and src/services/, never another door",
    layer: "federation",
    only: ["domain", "db", "services"],
  },
  {
    name: "http-imports-no-door",
    comment: "src/http/ is plumbing under the doors: it imports the core, never src/api/, src/web/, src/federation/ or src/cli/",
    layer: "http",
    never: ["api", "web", "federation", "cli"],
  },
  {
    name: "cli-goes-through-services",
    comment: "src/cli/ imports src/services/, src/db/ and src/domain/, never src/http/ or a door",
    layer: "cli",
    never: ["http", "api", "web", "federation"],
  },
];

/** Packages only some places may import (the rest of src/ and migrations/ may not). */
const PACKAGE_HOMES = [
  {
    name: "fedify-only-in-federation",
    comment: "only src/federation/ (and the composition root) imports @fedify/*",
    packages: "@fedify/",
    allowedIn: "^src/(federation/|app\\.ts$|main\\.ts$)",
  },
  {
    name: "fastify-only-in-http-and-the-doors",
    comment: "fastify belongs to src/http/, src/api/, src/web/ and the composition root",
    packages: "(fastify|@fastify/)",
    allowedIn: `^src/(http|api/mastodon|api/ecotone|web)/|${ROOT_FILES}`,
  },
];

const layerRules = LAYER_IMPORTS.map(({ name, comment, layer, only, never }) => ({
  name,
  comment,
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: only ? { path: "^src/", pathNot: `^src/(${[layer, ...only].join("|")})/` } : { path: `^src/(${never.join("|")})/` },
}));

const packageRules = PACKAGE_HOMES.map(({ name, comment, packages, allowedIn }) => ({
  name,
  comment,
  severity: "error",
  from: { path: "^(src|migrations)/", pathNot: allowedIn },
  to: { path: `node_modules/${packages}` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    ...packageRules,
    {
      name: "domain-imports-only-domain",
      comment: "src/domain/ holds pure rules: no other layer, no package",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { pathNot: "^src/domain/", dependencyTypesNot: ["core"] },
    },
    {
      name: "domain-does-no-io",
      comment: "src/domain/ does no I/O; node:crypto (ids, digests) is the one builtin it may use",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?crypto$" },
    },
    {
      name: "db-imports-domain-and-its-drivers",
      comment: "src/db/ imports src/domain/ types, kysely, pg and PGlite only",
      severity: "error",
      from: { path: "^src/db/" },
      to: {
        pathNot: "^(src/(db|domain)/|node_modules/(kysely|pg|@types/pg|@electric-sql/pglite)/)",
        dependencyTypesNot: ["core"],
      },
    },
    {
      name: "no-framework-in-the-core",
      comment: "fastify, Fedify and ws types stay out of src/domain/ and src/services/",
      severity: "error",
      from: { path: "^src/(domain|services)/" },
      to: { path: "node_modules/(fastify|@fastify/|@fedify/|ws/|@types/ws/)" },
    },
    {
      name: "doors-import-services-and-queries",
      comment: "src/api/* and src/web/ import src/domain/, src/services/, src/db/queries/ and src/db/schema.ts, and their own folder",
      severity: "error",
      from: { path: "^src/(api/mastodon|api/ecotone|web)/" },
      to: { path: "^src/", pathNot: "^src/($1/|domain/|services/|db/queries/|db/schema\\.ts$)" },
    },
    {
      name: "mastodon-and-federation-apart",
      comment: "the Mastodon API and the ActivityPub door never import each other",
      severity: "error",
      from: { path: "^src/(api/mastodon|federation)/" },
      to: { path: "^src/(federation|api/mastodon)/", pathNot: "^src/$1/" },
    },
    {
      name: "nothing-imports-the-composition-root",
      comment: "only src/main.ts and src/demo.ts import src/app.ts",
      severity: "error",
      from: { pathNot: "^src/(main|demo)\\.ts$" },
      to: { path: "^src/(app|main)\\.ts$" },
    },
    {
      name: "src-stays-in-src",
      comment: "src/ does not import tests, benchmarks or migrations",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench|migrations)/" },
    },
    {
      name: "migrations-import-only-kysely",
      comment: "migrations use Kysely<any> and nothing of the app, so an old migration never changes with today's code",
      severity: "error",
      from: { path: "^migrations/" },
      to: { pathNot: "node_modules/kysely/" },
    },
    {
      name: "no-circular",
      comment: "a cycle means two modules are one; merge them or move the shared part down a layer",
      severity: "error",
      from: { path: "^src/" },
      // Only cycles a module load goes round: `import type` vanishes at run time.
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "no-unresolvable",
      comment: "an import that resolves to no file (a typo, or a package missing from package.json)",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a fastify type in a service is a violation too.
    tsPreCompilationDeps: true,
    // node_modules may be a symlink (worktrees share one); resolve through it
    // so packages keep their node_modules/ path and the rules above match.
    preserveSymlinks: true,
    exclude: { path: "^src/web/assets/" },
    // Packages' subpath exports (`typebox/compile`) resolve as Node resolves them.
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "default"] },
  },
};
