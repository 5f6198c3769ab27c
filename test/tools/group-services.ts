// Groups src/services/ by area (ADR 0070): `git mv`s each service into its
// folder and rewrites every relative import that points at a moved file, or
// sits in one, across src/, test/, bench/ and migrations/; paths named in
// comments and docs (`src/services/x.ts`) follow too. Meant to be run once by
// the lead after every branch is merged, on a clean tree:
//
//   npx node test/tools/group-services.ts --dry-run   # print the plan
//   npx node test/tools/group-services.ts             # do it, then: npm run lint
//
// Files no line of AREAS names stay in src/services/ and are listed at the end,
// so a service added meanwhile is not moved by guesswork.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Area folder → the files of src/services/ it takes (a trailing * matches a prefix). The rest stays at the root. */
export const AREAS: Record<string, string[]> = {
  accounts: [
    "user.service.ts",
    "profile.service.ts",
    "password.ts",
    "sign-in.service.ts",
    "sign-in-limiter.ts",
    "session-cookie.ts",
    "browser-session.service.ts",
    "token.service.ts",
    "account-deletion.service.ts",
    "archive.service.ts",
    "actor.service.ts",
    "follow.service.ts",
    "follow-request.ts",
    "block.service.ts",
    "list.service.ts",
    "filter.service.ts",
    "bookmark.service.ts",
    "oidc.service.ts",
  ],
  posts: [
    "post.service.ts",
    "post-inbox.service.ts",
    "reblog.service.ts",
    "share.service.ts",
    "pin.service.ts",
    "status.service.ts",
    "tag.service.ts",
    "trend.service.ts",
    "search.service.ts",
    "timeline.service.ts",
    "account-timeline.service.ts",
    "media.service.ts",
    "report.service.ts",
    "streaming.service.ts",
    "poll*",
    "conversation*",
  ],
  groups: [
    "group.service.ts",
    "group-cache.ts",
    "group-announce.ts",
    "group-organizations.service.ts",
    "membership.ts",
    "invite.service.ts",
    "governance.service.ts",
    "remote-members.service.ts",
    "access.service.ts",
    "shared-room.service.ts",
    "shared-room-admission.ts",
    "group-settings.service.ts",
  ],
  organizations: [
    "organization.service.ts",
    "partner.service.ts",
    "instance.service.ts",
    "audit.service.ts",
    "federation-policy.service.ts",
    "relay-trust.ts",
    "directory.service.ts",
  ],
  ideas: ["idea.service.ts", "question.service.ts", "question-inbox.service.ts"],
  tasks: ["task*", "escalation.service.ts"],
  apps: ["oauth-app.service.ts", "webhook*", "idempotency.service.ts", "external-ref.service.ts"],
  insights: ["insight*", "reputation*", "segment*", "signal*"],
  channels: ["mail*", "push*", "digest*", "channel*", "notification-preferences.service.ts"],
};

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SERVICES = "src/services";
const CODE_ROOTS = ["src", "test", "bench", "migrations"];
const TEXT_FILES = /\.(ts|md|cjs|mjs|js|json|ya?ml)$/;

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** old repo-relative path → new one, for every file of src/services/ an area takes. */
export function planMoves(serviceFiles: string[]): { moves: Map<string, string>; unmapped: string[] } {
  const moves = new Map<string, string>();
  const unmapped: string[] = [];
  for (const name of serviceFiles) {
    const area = Object.keys(AREAS).find((a) => AREAS[a]!.some((p) => matches(p, name)));
    if (area) moves.set(`${SERVICES}/${name}`, `${SERVICES}/${area}/${name}`);
    else unmapped.push(name);
  }
  return { moves, unmapped };
}

// Relative specifiers of static and dynamic imports, re-exports and vi.mock().
const SPECIFIER = /((?:\bfrom|\bimport|\bvi\.mock\(|\bimport\()\s*)(["'])(\.{1,2}\/[^"']+)\2/g;

/**
 * A file's text with its relative imports pointed at where things are now.
 * `oldPath` is where the file was written (its specifiers are relative to
 * that), `newPath` where it is after the move.
 */
export function rewriteImports(text: string, oldPath: string, newPath: string, moves: Map<string, string>): string {
  return text.replace(SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    const target = posix.normalize(posix.join(posix.dirname(oldPath), spec));
    const moved = moves.get(target) ?? target;
    if (moved === target && oldPath === newPath) return whole;
    let next = posix.relative(posix.dirname(newPath), moved);
    if (!next.startsWith(".")) next = `./${next}`;
    return `${lead}${quote}${next}${quote}`;
  });
}

const MENTION = /src\/services\/([A-Za-z0-9_.-]+\.ts)\b/g;

/**
 * Mentions of `src/services/x.ts` follow the file: anywhere in docs, and in
 * code only inside comments (a string may name a path on purpose, such as a
 * file a test plants in a scratch tree).
 */
export function rewriteMentions(text: string, moves: Map<string, string>, inCode: boolean): string {
  const follow = (part: string) => part.replace(MENTION, (whole, name: string) => moves.get(`${SERVICES}/${name}`) ?? whole);
  if (!inCode) return follow(text);
  return text
    .split("\n")
    .map((line) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return follow(line);
      const comment = line.indexOf(" // ");
      return comment < 0 ? line : line.slice(0, comment) + follow(line.slice(comment));
    })
    .join("\n");
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(relative(REPO, full).split("\\").join("/"));
  }
  return out;
}

function main(): void {
  const dryRun = process.argv.includes("--dry-run");
  const serviceFiles = readdirSync(join(REPO, SERVICES)).filter((n) => n.endsWith(".ts") && statSync(join(REPO, SERVICES, n)).isFile());
  const { moves, unmapped } = planMoves(serviceFiles);
  if (moves.size === 0) {
    console.log("Nothing to move: src/services/ is grouped already.");
    return;
  }
  if (!dryRun) {
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: REPO, encoding: "utf8" }).trim();
    if (dirty) throw new Error("Commit or stash your changes first: the move should be a commit of its own.\n" + dirty);
  }
  for (const [from, to] of moves) console.log(`${from} → ${to}`);

  // Read every file before anything moves: specifiers are relative to where each file was.
  const newPathOf = (p: string) => moves.get(p) ?? p;
  const codeFiles = CODE_ROOTS.flatMap((root) => listFiles(join(REPO, root))).filter((p) => /\.(ts|mts|js|mjs)$/.test(p));
  const textFiles = [...new Set([...listFiles(REPO).filter((p) => TEXT_FILES.test(p) && !p.startsWith("node_modules/"))])];
  const rewritten = new Map<string, string>();
  for (const file of new Set([...codeFiles, ...textFiles])) {
    const before = readFileSync(join(REPO, file), "utf8");
    const inCode = codeFiles.includes(file);
    let after = inCode ? rewriteImports(before, file, newPathOf(file), moves) : before;
    after = rewriteMentions(after, moves, inCode || !file.endsWith(".md"));
    if (after !== before) rewritten.set(newPathOf(file), after);
  }
  console.log(`${moves.size} files move; ${rewritten.size} files change their imports or mentions.`);
  if (unmapped.length > 0) console.log(`Staying in ${SERVICES}/ (no area names them): ${unmapped.join(", ")}`);
  if (dryRun) return;

  for (const [from, to] of moves) {
    execFileSync("mkdir", ["-p", dirname(join(REPO, to))]);
    execFileSync("git", ["mv", from, to], { cwd: REPO });
  }
  for (const [file, text] of rewritten) writeFileSync(join(REPO, file), text);
  console.log("Done. Next: npm run lint, then commit.");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
