// The layering check: dependency-cruiser with the rules of
// .dependency-cruiser.cjs over src/ and migrations/, plus three rules an
// import graph cannot see (named imports and member access): every file of
// src/ sits in a known layer, no raw `sql` outside src/db/, and the doors
// never touch `ctx.db`. Run directly (`node test/tools/check-layers.ts`, part
// of `npm run lint`) or through test/unit/layers.unit.test.ts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseOptions, type IConfiguration, type ICruiseResult } from "dependency-cruiser";

export interface Violation {
  file: string;
  /** What the file imports or uses. */
  specifier: string;
  /** The rule's name (see .dependency-cruiser.cjs and TEXT_RULES below). */
  rule: string;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const config = createRequire(import.meta.url)(join(REPO, ".dependency-cruiser.cjs")) as IConfiguration;

/** Where each kind of file belongs (ARCHITECTURE.md); anything else is a folder nobody knows the rules of. */
const KNOWN_PLACES = /^src\/((domain|db|services|federation|api\/mastodon|api\/ecotone|web|http|cli)\/|(app|main|config|demo|first-admin)\.ts$)/;

interface TextRule {
  name: string;
  /** Files (paths relative to the repository) the rule applies to. */
  files: RegExp;
  pattern: RegExp;
}

const TEXT_RULES: TextRule[] = [
  {
    // kysely's `sql` tag writes raw SQL; its types (Transaction, Kysely) are fine anywhere in the core.
    name: "sql-only-in-db",
    files: /^src\/(?!db\/)/,
    pattern: /import\s*(?:type\s*)?\{[^}]*\bsql\b[^}]*\}\s*from\s*["']kysely["']|from\s*["']kysely\/helpers/,
  },
  {
    // Routes read through src/db/queries/ (which take the context) and write through services.
    name: "doors-never-touch-ctx-db",
    files: /^src\/(api|web|http)\//,
    pattern: /\bctx\s*\.\s*(db|database)\b|\.db\s*\.\s*(insertInto|updateTable|deleteFrom|selectFrom|transaction)\b/,
  },
];

function listFiles(dir: string, root: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, root));
    else if (/\.(ts|js|mjs|cjs)$/.test(name)) out.push(relative(root, full).split("\\").join("/"));
  }
  return out;
}

function textViolations(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of listFiles(join(root, "src"), root)) {
    if (file.startsWith("src/web/assets/")) continue;
    if (!KNOWN_PLACES.test(file)) violations.push({ file, specifier: file, rule: "known-folders-only" });
    const text = readFileSync(join(root, file), "utf8");
    for (const rule of TEXT_RULES) {
      if (!rule.files.test(file)) continue;
      const match = rule.pattern.exec(text);
      if (match) violations.push({ file, specifier: match[0], rule: rule.name });
    }
  }
  return violations;
}

/** Every violation in the repository (or copy of it) at `root`; [] when the layers hold. */
export async function checkLayers(root: string = REPO): Promise<Violation[]> {
  const targets = ["src", "migrations"].filter((dir) => {
    try {
      return statSync(join(root, dir)).isDirectory();
    } catch {
      return false;
    }
  });
  const options: ICruiseOptions = { ...config.options, ruleSet: config, validate: true, baseDir: root };
  const result = await cruise(targets, options);
  const output = result.output as ICruiseResult;
  const graph: Violation[] = output.summary.violations.map((v) => ({
    file: v.from,
    specifier: v.cycle ? v.cycle.map((c) => c.name).join(" → ") : v.to,
    rule: v.rule.name,
  }));
  return [...graph, ...textViolations(root)];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const violations = await checkLayers();
  if (violations.length > 0) {
    console.error(`Layering check failed (${violations.length}); the rules are in .dependency-cruiser.cjs and test/tools/check-layers.ts:`);
    for (const v of violations) console.error(`  ${v.file} → ${v.specifier}: ${v.rule}`);
    process.exit(1);
  }
  console.log("Layering check passed.");
}
