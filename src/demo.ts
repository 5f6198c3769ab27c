// `npm run demo`: three company instances side by side — Acme, Globex and
// Initech on ports 3001–3003 — with people, overlapping groups and posts that
// cross instances. Data lives in ./data-demo/<company>; a second run reuses it.
// Ctrl-C stops all three cleanly.
import { join } from "node:path";
import { pino } from "pino";
import { createApp, type EcotoneApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createToken } from "./services/accounts/token.service.ts";
import { createUser, getUserByUsername } from "./services/accounts/user.service.ts";
import { approveJoinRequest, createGroup, joinGroup } from "./services/groups/group.service.ts";
import { listMembers } from "./services/groups/member-list.service.ts";
import { createPost, groupTimeline, likePost } from "./services/posts/post.service.ts";
import { answerIdea, ideaBoard, proposeIdea, voteForIdea } from "./services/ideas/idea.service.ts";
import { assignTask, createTask, myTasks, respondToAssignment, setTaskStatus, type TaskOutcome } from "./services/tasks/task.service.ts";
import { getTaskChange, isPendingChange } from "./services/tasks/task-change.service.ts";
import type { ServiceContext } from "./services/context.ts";
import { cliActor } from "./services/organizations/audit.service.ts";
import { setOwnOrganization } from "./services/organizations/organization.service.ts";
import { setPartner } from "./services/organizations/partner.service.ts";

const PASSWORD = "ecotone-demo-password";
// ECOTONE_DEMO_BASE_PORT moves the three instances (tests run them elsewhere).
const basePort = Number(process.env.ECOTONE_DEMO_BASE_PORT ?? "3001");
const companies = [
  { key: "acme", name: "Acme Corp", port: basePort, color: "#c0392b", about: "Sensors and test equipment." },
  { key: "globex", name: "Globex", port: basePort + 1, color: "#2471a3", about: "Components and logistics." },
  { key: "initech", name: "Initech", port: basePort + 2, color: "#1e8449", about: "Software for test labs." },
] as const;

/** How each company labels the others (the Partners page of each instance). */
const relationships: Array<[Company, Company, string]> = [
  ["acme", "globex", "supplier"],
  ["acme", "initech", "customer"],
  ["globex", "acme", "customer"],
  ["initech", "acme", "supplier"],
  ["initech", "globex", "prospect"],
];

/** A logo for each demo company: its initial on its colour, served by its own instance. */
function logoSvg(company: (typeof companies)[number]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="${company.color}"/><text x="32" y="44" font-family="sans-serif" font-size="36" font-weight="bold" fill="#fff" text-anchor="middle">${company.name[0]}</text></svg>`;
}
type Company = (typeof companies)[number]["key"];

const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" });
const apps = new Map<Company, EcotoneApp>();

async function startAll(): Promise<void> {
  for (const company of companies) {
    const config = {
      ...loadConfig({
        ...process.env,
        PORT: String(company.port),
        ECOTONE_ORIGIN: `http://localhost:${company.port}`,
        ECOTONE_DATA_DIR: join(process.env.ECOTONE_DEMO_DIR ?? "./data-demo", company.key),
        ECOTONE_INSTANCE_NAME: company.name,
        ECOTONE_BOOTSTRAP_ADMIN: "false",
        ECOTONE_RETRY_INITIAL_MS: "2000",
      }),
      databaseUrl: undefined,
    };
    const app = await createApp(config, { logger: logger.child({ company: company.key }) });
    app.fastify.get("/demo/logo.svg", async (_request, reply) =>
      reply.type("image/svg+xml").header("cache-control", "public, max-age=3600").send(logoSvg(company)),
    );
    await app.start();
    apps.set(company.key, app);
  }
}

function ctx(company: Company) {
  return apps.get(company)!.ctx;
}

function host(company: Company): string {
  return `localhost:${companies.find((c) => c.key === company)!.port}`;
}

/** A task opened from another instance than the group's exists once the group's home confirms it. */
async function confirmed(on: ServiceContext, username: string, outcome: TaskOutcome): Promise<{ id: string; uri: string }> {
  if (!isPendingChange(outcome)) return outcome;
  const change = await until("the group's home to confirm the task", async () => {
    const view = await getTaskChange(on, username, outcome.pendingChange.id);
    return view.state === "accepted" && view.taskUri && view.taskId ? view : undefined;
  });
  return { id: change.taskId!, uri: change.taskUri! };
}

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Names are names: each person's company is shown from their organization, and their job in their bio.
const people: Array<{ company: Company; username: string; displayName: string; bio: string; role: string; audience: string }> = [
  { company: "acme", username: "alice", displayName: "Alice Archer", bio: "Community manager", role: "admin", audience: "employee" },
  { company: "acme", username: "bob", displayName: "Bob Baker", bio: "Buyer", role: "member", audience: "employee" },
  { company: "globex", username: "gina", displayName: "Gina Garcia", bio: "Supply planner", role: "admin", audience: "employee" },
  { company: "globex", username: "gus", displayName: "Gus Grant", bio: "Sales", role: "member", audience: "employee" },
  { company: "initech", username: "ivan", displayName: "Ivan Ito", bio: "IT lead", role: "admin", audience: "employee" },
  { company: "initech", username: "iris", displayName: "Iris Ives", bio: "Engineer", role: "member", audience: "employee" },
];

async function seed(): Promise<void> {
  if (await getUserByUsername(ctx("acme"), "alice")) return;
  console.log("Seeding the three networks (first run)…");
  for (const p of people) {
    await createUser(ctx(p.company), { username: p.username, password: PASSWORD, displayName: p.displayName, bio: p.bio, role: p.role, audience: p.audience });
  }
  for (const company of companies) {
    await setOwnOrganization(ctx(company.key), cliActor(ctx(company.key)), {
      name: company.name,
      shortName: company.name.split(" ")[0],
      logoUrl: `http://${host(company.key)}/demo/logo.svg`,
      website: `http://${host(company.key)}/`,
      description: company.about,
    });
  }
  for (const [labeller, other, relationship] of relationships) {
    await setPartner(ctx(labeller), cliActor(ctx(labeller)), host(other), { relationship });
  }
  // Acme: a public customer community, and a private supplier group with Globex.
  await createGroup(ctx("acme"), "alice", {
    slug: "customers",
    name: "Acme customer community",
    summary: "Questions, ideas and news for everyone who uses Acme products.",
    visibility: "public",
    joinPolicy: "open",
  });
  await createGroup(ctx("acme"), "bob", {
    slug: "supply-chain",
    name: "Acme × Globex supply chain",
    summary: "Private deal room for Acme buyers and Globex planners.",
    visibility: "members_only",
    joinPolicy: "approval",
  });
  // Initech: an internal group nobody outside sees.
  await createGroup(ctx("initech"), "ivan", {
    slug: "internal",
    name: "Initech internal",
    summary: "Initech staff only.",
    visibility: "secret",
    joinPolicy: "invite",
  });

  const customers = `@customers@${host("acme")}`;
  const supply = `@supply-chain@${host("acme")}`;
  for (const [company, user] of [
    ["globex", "gina"],
    ["globex", "gus"],
    ["initech", "ivan"],
    ["initech", "iris"],
  ] as const) {
    await joinGroup(ctx(company), user, customers);
  }
  await joinGroup(ctx("globex"), "gina", supply);
  await joinGroup(ctx("acme"), "alice", supply);
  const pending = await until("Gina's join request", async () => {
    const list = await listMembers(ctx("acme"), "supply-chain", (await getUserByUsername(ctx("acme"), "bob"))!.actorId, "pending");
    return list.find((m) => m.actor.handle === `@gina@${host("globex")}`);
  });
  await approveJoinRequest(ctx("acme"), "bob", "supply-chain", pending.requestId);
  await until("members in the customer community", async () => {
    const members = await listMembers(ctx("acme"), "customers", null);
    return members.length >= 5;
  });
  await until("Gina's membership", async () => {
    const g = await getUserByUsername(ctx("globex"), "gina");
    const list = await listMembers(ctx("acme"), "supply-chain", (await getUserByUsername(ctx("acme"), "bob"))!.actorId);
    return g && list.some((m) => m.actor.handle === `@gina@${host("globex")}`);
  });

  const welcome = await createPost(ctx("acme"), "alice", {
    group: "customers",
    title: "Welcome to the Acme customer community",
    content: "Tell us what you build with Acme products. Our product team reads every thread. #welcome",
  });
  const gina = await getUserByUsername(ctx("globex"), "gina");
  const ivan = await getUserByUsername(ctx("initech"), "ivan");
  const onInitech = await until("the welcome post on Initech", async () => {
    const page = await groupTimeline(ctx("initech"), customers, ivan!.actorId, null);
    return page.items.find((p) => p.uri === welcome.uri);
  });
  await createPost(ctx("initech"), "ivan", {
    inReplyTo: onInitech.id,
    content: "We run Acme sensors on our test benches. Would love an export API!",
  });
  const deal = await createPost(ctx("globex"), "gina", {
    group: supply,
    content: "Week 48 delivery: 1,200 units ship Tuesday, 800 more on Friday. @bob@" + host("acme") + " please confirm the dock slot.",
  });
  await until("Gina's post on Acme", async () => {
    const page = await groupTimeline(ctx("acme"), "supply-chain", (await getUserByUsername(ctx("acme"), "bob"))!.actorId, null);
    return page.items.find((p) => p.uri === deal.uri);
  });
  const onAcme = (await groupTimeline(ctx("acme"), "supply-chain", (await getUserByUsername(ctx("acme"), "bob"))!.actorId, null)).items.find(
    (p) => p.uri === deal.uri,
  )!;
  await likePost(ctx("acme"), "bob", onAcme.id);
  await createPost(ctx("acme"), "bob", { inReplyTo: onAcme.id, content: "Dock 3 is yours on Tuesday from 8:00." });
  await createPost(ctx("initech"), "iris", { group: "internal", content: "Reminder: TPS reports are due Friday." }).catch(() => {
    // iris is not a member of the invite-only group; ivan posts instead
  });
  await createPost(ctx("initech"), "ivan", { group: "internal", content: "Reminder: TPS reports are due Friday." });

  // An idea board in the customer community: proposed at Initech, voted
  // from Globex and Acme, answered by Acme.
  const idea = await proposeIdea(ctx("initech"), "ivan", customers, {
    title: "An export API for sensor readings",
    content: "We would pull readings into our test reports every night.",
  });
  const ideaOnAcme = await until("the idea on Acme", async () => {
    const board = await ideaBoard(ctx("acme"), "customers", null, { sort: "top" });
    return board.items.find((i) => i.title === "An export API for sensor readings");
  });
  const ideaOnGlobex = await until("the idea on Globex", async () => {
    const board = await ideaBoard(ctx("globex"), customers, gina!.actorId, { sort: "top" });
    return board.items.find((i) => i.title === "An export API for sensor readings");
  });
  await voteForIdea(ctx("globex"), "gina", ideaOnGlobex.id, true);
  await voteForIdea(ctx("initech"), "ivan", idea.post.id, true);
  await until("two votes on Acme", async () => (await ideaBoard(ctx("acme"), "customers", null, { sort: "top" })).items[0]?.votes === 2);
  await answerIdea(ctx("acme"), "alice", ideaOnAcme.id, { status: "planned", reason: "In the Q2 release, with CSV and JSON" });

  // A shared task board in the supply-chain deal room: opened by Gina at
  // Globex, assigned to Bob at Acme (the group's home, so no consent step),
  // and one Acme asks Gina to take, which she accepts from her instance.
  const dockOffer = await createTask(ctx("globex"), "gina", supply, {
    title: "Confirm dock slot for week 48",
    description: "1,200 units Tuesday, 800 Friday.",
    priority: "high",
    due: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
    labels: ["logistics"],
  });
  const dockTask = await confirmed(ctx("globex"), "gina", dockOffer);
  await assignTask(ctx("acme"), "bob", dockTask.uri, `@bob@${host("acme")}`);
  await setTaskStatus(ctx("acme"), "bob", dockTask.uri, "in_progress");
  const forecast = await confirmed(
    ctx("acme"),
    "bob",
    await createTask(ctx("acme"), "bob", "supply-chain", {
      title: "Send the Q1 demand forecast",
      due: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
    }),
  );
  await assignTask(ctx("acme"), "bob", forecast.id, `@gina@${host("globex")}`);
  const askedOnGlobex = await until("Gina's assignment on Globex", async () => (await myTasks(ctx("globex"), "gina", {})).find((t) => t.uri === forecast.uri));
  await respondToAssignment(ctx("globex"), "gina", askedOnGlobex.id, true);
}

async function printGuide(): Promise<void> {
  const lines = ["", "  Ecotone demo: three companies, one overlapping network.", ""];
  for (const company of companies) {
    const labels = relationships.filter(([from]) => from === company.key).map(([, to, r]) => `${companies.find((c) => c.key === to)!.name}: ${r}`);
    lines.push(`  ${company.name.padEnd(10)} http://localhost:${company.port}   (its partners: ${labels.join(", ")})`);
  }
  lines.push("", "  People (password for all: " + PASSWORD + "), with an API token each:");
  for (const p of people) {
    const token = await createToken(ctx(p.company), p.username, { scopes: "read write follow", label: "demo" });
    lines.push(`    @${p.username}@${host(p.company)}  ${p.displayName}, ${p.bio} at ${companies.find((c) => c.key === p.company)!.name}`);
    lines.push(`      token: ${token}`);
  }
  const ginaTasks = await myTasks(ctx("globex"), "gina", {});
  const bobTasks = await myTasks(ctx("acme"), "bob", {});
  lines.push(
    "",
    `  Shared task board in the supply-chain deal room: Gina (Globex) has ${ginaTasks.length} task(s), ` +
      `${ginaTasks.filter((t) => t.overdue).length} overdue; Bob (Acme) has ${bobTasks.length}.`,
  );
  lines.push(
    "",
    "  Where to look:",
    `    curl -s http://${host("globex")}/api/ecotone/v1/groups/${encodeURIComponent(`@customers@${host("acme")}`)}/ideas -H "Authorization: Bearer <gina's token>"   (the idea board: Acme's answer reached Globex)`,
    `    curl -s http://${host("globex")}/api/ecotone/v1/me/tasks -H "Authorization: Bearer <gina's token>"   (tasks assigned to Gina in Acme's deal room; one is overdue)`,
    `    curl -s http://${host("initech")}/api/ecotone/v1/groups/${encodeURIComponent(`@customers@${host("acme")}`)}/posts -H "Authorization: Bearer <ivan's token>"`,
    `    curl -s http://${host("acme")}/api/ecotone/v1/groups/supply-chain/posts -H "Authorization: Bearer <bob's token>"   (members only)`,
    `    curl -s http://${host("acme")}/api/ecotone/v1/groups/supply-chain/posts   → 404 for outsiders`,
    `    curl -s -H "Accept: application/activity+json" http://${host("acme")}/users/customers   (the Group actor)`,
    `    curl -s http://${host("globex")}/api/ecotone/v1/groups/${encodeURIComponent(`@customers@${host("acme")}`)}/organizations -H "Authorization: Bearer <gina's token>"   (companies in the community, as Globex labels them)`,
    "    Or sign in from a Mastodon app (Elk, Phanpy…) on any of the three with a person's username and password.",
    "",
    "  Ctrl-C stops all three.",
    "",
  );
  console.log(lines.join("\n"));
}

let stopping = false;
async function stopAll(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the three instances…`);
  for (const app of [...apps.values()].reverse()) await app.close().catch(() => {});
  console.log("Stopped cleanly.");
  process.exit(0);
}
process.on("SIGINT", () => void stopAll("SIGINT"));
process.on("SIGTERM", () => void stopAll("SIGTERM"));

try {
  await startAll();
  await seed();
  await printGuide();
  if (process.env.ECOTONE_DEMO_EXIT === "1") await stopAll("ECOTONE_DEMO_EXIT");
} catch (error) {
  console.error(`demo: ${(error as Error).message}`);
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    console.error(`Ports ${basePort}–${basePort + 2} must be free (set ECOTONE_DEMO_BASE_PORT to use others).`);
  }
  for (const app of apps.values()) await app.close().catch(() => {});
  process.exit(1);
}
