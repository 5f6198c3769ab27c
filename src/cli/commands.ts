// The admin commands, as functions over a ServiceContext. The CLI runs them
// directly on the database, or the running server runs them when the CLI
// reaches it through the admin socket: one table, one behaviour.
import { parseArgs } from "node:util";
import { migrateToLatest } from "../db/migrator.ts";
import { DomainError, validationFailed } from "../domain/errors.ts";
import type { ServiceContext } from "../services/context.ts";
import { createToken } from "../services/accounts/token.service.ts";
import { randomPassword } from "../services/accounts/password.ts";
import { createUser, listUsers, setAudience, setPassword, setRole } from "../services/accounts/user.service.ts";
import { getDeliveryStatus } from "../services/delivery.service.ts";
import { allowHost, blockHost, describePolicy, forgetHost, setFederationMode } from "../services/organizations/federation-policy.service.ts";
import { createGroup, listGroups as listGroupsForAdmin, setMemberRole } from "../services/groups/group.service.ts";
import { ORGANIZATION_COMMANDS } from "./organization.commands.ts";
import { INSIGHT_COMMANDS } from "./insight.commands.ts";

export interface Command {
  /** e.g. "user create" */
  name: string;
  usage: string;
  summary: string;
  options?: Record<string, { type: "string" | "boolean"; short?: string }>;
  run(ctx: ServiceContext, positionals: string[], values: Record<string, string | boolean | undefined>): Promise<string>;
}

function need(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (!value) throw validationFailed(`Missing ${what}. Usage: ecotone ${usage}`);
  return value;
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export const COMMANDS: Command[] = [
  {
    name: "migrate",
    usage: "migrate",
    summary: "apply pending database migrations",
    async run(ctx) {
      const { applied } = await migrateToLatest(ctx.db);
      return applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.";
    },
  },
  {
    name: "user create",
    usage:
      "user create <username> [--password P] [--role admin|moderator|member] [--audience employee|customer|partner|supplier|other] [--display-name N] [--email E] [--locked]",
    summary: "create a local account (a random password is printed when none is given)",
    options: {
      password: { type: "string" },
      role: { type: "string" },
      audience: { type: "string" },
      "display-name": { type: "string" },
      email: { type: "string" },
      locked: { type: "boolean" },
    },
    async run(ctx, positionals, values) {
      const username = need(positionals, 0, "the username", this.usage);
      const given = str(values.password);
      const password = given ?? randomPassword();
      const user = await createUser(ctx, {
        username,
        password,
        role: str(values.role),
        audience: str(values.audience),
        displayName: str(values["display-name"]),
        email: str(values.email),
        locked: values.locked === true,
      });
      const lines = [`Created ${user.role} @${user.username}@${ctx.origin.host} (${user.audience}) — ${user.uri}`];
      if (!given) lines.push(`Password: ${password}`);
      return lines.join("\n");
    },
  },
  {
    name: "user list",
    usage: "user list",
    summary: "list local accounts",
    async run(ctx) {
      const users = await listUsers(ctx);
      if (users.length === 0) return "No users yet. Create one with: ecotone user create <username>";
      const rows = users.map((u) =>
        [u.username, u.role, u.audience, u.suspended ? "suspended" : u.locked ? "locked" : "active", u.displayName ?? ""].join("\t"),
      );
      return ["username\trole\taudience\tstate\tname", ...rows].join("\n");
    },
  },
  {
    name: "user set-role",
    usage: "user set-role <username> <admin|moderator|member>",
    summary: "change an account's role",
    async run(ctx, positionals) {
      const user = await setRole(ctx, need(positionals, 0, "the username", this.usage), need(positionals, 1, "the role", this.usage));
      return `@${user.username} is now ${user.role}.`;
    },
  },
  {
    name: "user set-audience",
    usage: "user set-audience <username> <employee|customer|partner|supplier|other>",
    summary: "change which audience an account belongs to",
    async run(ctx, positionals) {
      const user = await setAudience(ctx, need(positionals, 0, "the username", this.usage), need(positionals, 1, "the audience", this.usage));
      return `@${user.username} is now in the ${user.audience} audience.`;
    },
  },
  {
    name: "user set-password",
    usage: "user set-password <username> [--password P]",
    summary: "set a password (a random one is printed when none is given); signs the account out everywhere",
    options: { password: { type: "string" } },
    async run(ctx, positionals, values) {
      const username = need(positionals, 0, "the username", this.usage);
      const given = str(values.password);
      const password = given ?? randomPassword();
      const { sessionsEnded, tokensRevoked } = await setPassword(ctx, username, password);
      const signedOut = `${sessionsEnded} session(s) ended, ${tokensRevoked} token(s) revoked: apps and scripts must sign in again.`;
      return given
        ? `Password of @${username} changed; ${signedOut}`
        : `New password of @${username}: ${password}
${signedOut}`;
    },
  },
  {
    name: "token create",
    usage: 'token create <username> --scopes "read write follow" [--label L]',
    summary: "mint an API bearer token (printed once; stored hashed)",
    options: { scopes: { type: "string" }, label: { type: "string" } },
    async run(ctx, positionals, values) {
      const username = need(positionals, 0, "the username", this.usage);
      const scopes = str(values.scopes);
      if (!scopes) throw validationFailed(`Missing --scopes. Usage: ecotone ${this.usage}`);
      return createToken(ctx, username, { scopes, label: str(values.label) });
    },
  },
];

COMMANDS.push(
  {
    name: "federation policy",
    usage: "federation policy [open|allowlist]",
    summary: "show the federation policy, or set its mode",
    async run(ctx, positionals) {
      if (positionals[0]) await setFederationMode(ctx, positionals[0]);
      const policy = await describePolicy(ctx);
      const lines = [`Mode: ${policy.mode}`];
      for (const h of policy.hosts) lines.push(`  ${h.policy}\t${h.host}${h.note ? `\t${h.note}` : ""}`);
      if (policy.hosts.length === 0) lines.push("  (no hosts listed)");
      return lines.join("\n");
    },
  },
  {
    name: "federation allow",
    usage: "federation allow <host> [--note N]",
    summary: "add a partner instance to the allowlist",
    options: { note: { type: "string" } },
    async run(ctx, positionals, values) {
      const host = await allowHost(ctx, need(positionals, 0, "the host", this.usage), str(values.note));
      return `Allowed ${host}.`;
    },
  },
  {
    name: "federation block",
    usage: "federation block <host> [--note N]",
    summary: "stop federating with an instance",
    options: { note: { type: "string" } },
    async run(ctx, positionals, values) {
      const host = await blockHost(ctx, need(positionals, 0, "the host", this.usage), str(values.note));
      return `Blocked ${host}.`;
    },
  },
  {
    name: "federation forget",
    usage: "federation forget <host>",
    summary: "remove an allow or block rule",
    async run(ctx, positionals) {
      await forgetHost(ctx, need(positionals, 0, "the host", this.usage));
      return "Removed.";
    },
  },
  {
    name: "federation status",
    usage: "federation status",
    summary: "deliveries waiting per instance, retries, parked instances",
    async run(ctx) {
      const status = await getDeliveryStatus(ctx);
      const lines = [
        `Outbox events not yet queued: ${status.pendingOutboxEvents}`,
        `Queues: ${status.queues.map((q) => `${q.queue}=${q.queued}`).join(", ") || "empty"}`,
      ];
      if (status.instances.length === 0) lines.push("No deliveries waiting.");
      else {
        lines.push("host\tqueued\tretrying\tmax attempt\toldest\tparked");
        for (const i of status.instances) {
          lines.push([i.host, i.queued, i.retrying, i.maxAttempt, i.oldest ?? "-", i.parked ?? "-"].join("\t"));
        }
      }
      return lines.join("\n");
    },
  },
  {
    name: "group create",
    usage: "group create <slug> --owner <username> [--name N] [--summary S] [--visibility public|members_only|secret] [--join open|approval|invite]",
    summary: "create a group owned by a local user",
    options: {
      owner: { type: "string" },
      name: { type: "string" },
      summary: { type: "string" },
      visibility: { type: "string" },
      join: { type: "string" },
    },
    async run(ctx, positionals, values) {
      const slug = need(positionals, 0, "the group's name", this.usage);
      const owner = str(values.owner);
      if (!owner) throw validationFailed(`Missing --owner. Usage: ecotone ${this.usage}`);
      const group = await createGroup(ctx, owner, {
        slug,
        name: str(values.name),
        summary: str(values.summary),
        visibility: str(values.visibility),
        joinPolicy: str(values.join),
      });
      return `Created ${group.visibility} group ${group.actor.handle} (${group.joinPolicy}) — ${group.actor.uri}`;
    },
  },
  {
    name: "group list",
    usage: "group list",
    summary: "list local groups",
    async run(ctx) {
      const groups = (await listGroupsForAdmin(ctx, null, { includeSecret: true })).filter((g) => g.local);
      if (groups.length === 0) return "No groups yet. Create one with: ecotone group create <slug> --owner <username>";
      return ["handle\tvisibility\tjoin", ...groups.map((g) => `${g.actor.handle}\t${g.visibility}\t${g.joinPolicy}`)].join("\n");
    },
  },
  {
    name: "group add-moderator",
    usage: "group add-moderator <slug> <@user@host> --by <owner-username>",
    summary: "make a member (of any instance) a moderator of a group",
    options: { by: { type: "string" } },
    async run(ctx, positionals, values) {
      const slug = need(positionals, 0, "the group", this.usage);
      const target = need(positionals, 1, "the member", this.usage);
      const by = str(values.by);
      if (!by) throw validationFailed(`Missing --by. Usage: ecotone ${this.usage}`);
      await setMemberRole(ctx, by, slug, target, "moderator");
      return `${target} moderates ${slug} now.`;
    },
  },
);

COMMANDS.push(...ORGANIZATION_COMMANDS, ...INSIGHT_COMMANDS);

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: ecotone <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `ecotone <command> --help` for a command's options.",
  ].join("\n");
}

export function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

export type CommandResult = { ok: true; output: string } | { ok: false; error: string };

/** Parses and runs one command; errors come back as messages, never thrown. */
export async function runCommand(ctx: ServiceContext, argv: string[]): Promise<CommandResult> {
  const found = findCommand(argv);
  if (!found) return { ok: false, error: `Unknown command "${argv.join(" ")}".\n\n${helpText()}` };
  const { command, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) return { ok: true, output: `Usage: ecotone ${command.usage}` };
  try {
    const parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    const output = await command.run(ctx, parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
    return { ok: true, output };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.message };
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      return { ok: false, error: `${(error as Error).message}\nUsage: ecotone ${command.usage}` };
    }
    throw error;
  }
}
