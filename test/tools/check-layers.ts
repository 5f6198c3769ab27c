// The layering check: fails when a file under src/ imports across the rules
// of ARCHITECTURE.md. Run directly (`node test/tools/check-layers.ts`) or via
// test/unit/layers.unit.test.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

type Layer = "domain" | "db" | "services" | "federation" | "mastodon" | "ecotone" | "web" | "http" | "cli" | "root";

function layerOf(path: string): Layer {
  const [first, second] = path.split("/");
  if (first === "api") return second === "mastodon" ? "mastodon" : "ecotone";
  if (["domain", "db", "services", "federation", "web", "http", "cli"].includes(first!)) return first as Layer;
  return "root";
}

/** Which src/ paths a layer may import (besides its own folder). */
function allowedTarget(from: Layer, fromPath: string, target: string): string | null {
  const to = layerOf(target);
  if (to === from) return null;
  if (target === "app.ts" && !["main.ts", "demo.ts"].includes(fromPath) && from !== "cli") {
    return "nothing imports app.ts but main.ts, demo.ts, the CLI and tests";
  }
  const apiLike = (t: string, l: Layer) =>
    l === "domain" || l === "services" || t.startsWith("db/queries/") || t === "db/schema.ts";
  switch (from) {
    case "domain":
      return "domain imports only domain";
    case "db":
      return to === "domain" ? null : "db imports only domain";
    case "services":
      return to === "domain" || to === "db" ? null : "services import only domain and db";
    case "federation":
      return ["domain", "db", "services"].includes(to) ? null : "federation imports domain, db and services";
    case "mastodon":
    case "ecotone":
    case "web":
      return apiLike(target, to) ? null : `${from} imports domain, services and db/queries only`;
    case "http":
      return ["main.ts", "app.ts"].includes(target) ? "http does not import the composition root" : null;
    case "cli":
      return to === "federation" || to === "mastodon" || to === "ecotone" || to === "web"
        ? "the CLI goes through services, not the doors"
        : null;
    case "root":
      return null;
  }
}

/** Packages a layer may import; null = any. */
function allowedPackage(from: Layer, fromPath: string, pkg: string): string | null {
  if (pkg.startsWith("node:")) return null;
  if (pkg.startsWith("@fedify/") && from !== "federation" && !["app.ts", "main.ts"].includes(fromPath)) {
    return "only src/federation/ imports @fedify/*";
  }
  if (pkg === "fastify" || pkg.startsWith("@fastify/")) {
    if (!["http", "mastodon", "ecotone", "web", "root"].includes(from)) return "fastify belongs to http, api and web";
  }
  if (from === "domain") return "domain imports no packages";
  if (from === "db" && !["kysely", "pg", "@electric-sql/pglite"].includes(pkg)) {
    return "db imports only kysely, pg and PGlite";
  }
  return null;
}

const IMPORT_PATTERN = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTs(full));
    else if (name.endsWith(".ts")) out.push(full);
  }
  return out;
}

export function checkLayers(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of listTs(srcDir)) {
    const rel = relative(srcDir, file).split("\\").join("/");
    const from = layerOf(rel);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier) continue;
      let rule: string | null;
      if (specifier.startsWith(".")) {
        const target = relative(srcDir, resolve(dirname(file), specifier)).split("\\").join("/");
        if (target.startsWith("..")) rule = "src/ does not import from outside src/";
        else rule = allowedTarget(from, rel, target);
      } else {
        const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
        rule = allowedPackage(from, rel, pkg);
      }
      if (rule) violations.push({ file: rel, specifier, rule });
    }
  }
  return violations;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
  const violations = checkLayers(srcDir);
  if (violations.length > 0) {
    console.error(`Layering check failed (${violations.length}):`);
    for (const v of violations) console.error(`  src/${v.file} → ${v.specifier}: ${v.rule}`);
    process.exit(1);
  }
  console.log("Layering check passed.");
}
