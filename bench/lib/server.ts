// The Ecotone instance under benchmark, in a child process of its own
// (forked by bench/lib/ecotone.ts). It is started as `npm start` would start
// it — the same createApp, the production defaults from src/config.ts —
// except: a fresh database (PGlite in a temporary directory, or a fresh
// schema on DATABASE_URL's server), loopback peers allowed, no bootstrap
// admin. It answers the benchmark's requests (create a user, seed data, read
// its own memory and CPU time…) over the IPC channel.
import { captureStatements, onlyReads } from "../../src/db/statement-capture.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { CompiledQuery, type Kysely, type KyselyPlugin } from "kysely";
import pg from "pg";
import { pino } from "pino";
import { createApp, type EcotoneApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { withoutInsightTriggers } from "./seed-triggers.ts";
import { startLaneTrace } from "./lane-trace.ts";
import { withIndexesBuiltAfter } from "./bulk-indexes.ts";
import type { Database } from "../../src/db/schema.ts";
import { newId } from "../../src/domain/ids.ts";
import { createToken } from "../../src/services/accounts/token.service.ts";
import { createSession } from "../../src/services/accounts/browser-session.service.ts";
import { createUser, getUserByUsername } from "../../src/services/accounts/user.service.ts";
import { freePort } from "../../test/helpers/instances.ts";
import { addRemoteMember } from "../../test/helpers/remote-member.ts";
import { withSearchPath } from "../../test/helpers/test-database.ts";
import type { Command, PlanReport, QueryStats, RouteTiming, Started, Usage } from "./protocol.ts";

interface ChildOptions {
  /** Config overrides (milliseconds), e.g. a shorter outbound deadline. */
  fetchTimeoutMs?: number;
  retryInitialDelayMs?: number;
  /** Scale-out (bench/scenarios/inbox-scaleout.ts): this schema's URL instead of a fresh one, */
  databaseUrl?: string;
  /** and this public origin (a proxy in front of several processes) instead of the process's own. */
  origin?: string;
}

const options = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; dataDir: string; cleanup: () => void }> {
  if (options.databaseUrl) {
    const handle = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: "memory://" });
    return { handle, dataDir: mkdtempSync(join(tmpdir(), "ecotone-bench-media-")), cleanup: () => {} };
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    // On disk, as `npm start` runs it (BENCH_PGLITE_MEMORY=1 keeps it in memory, as the tests do).
    const dataDir = process.env.BENCH_PGLITE_MEMORY ? "memory://" : mkdtempSync(join(tmpdir(), "ecotone-bench-"));
    const handle = await openDatabase({ databaseUrl: undefined, dataDir });
    return { handle, dataDir, cleanup: () => !dataDir.startsWith("memory://") && rmSync(dataDir, { recursive: true, force: true }) };
  }
  // A fresh schema on the server, with the production pool size.
  const schema = `bench_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: withSearchPath(url, schema), dataDir: "memory://" });
  return { handle, dataDir: mkdtempSync(join(tmpdir(), "ecotone-bench-media-")), cleanup: () => {} };
}

// Every statement the instance runs (services, Fedify's queue and key-value
// store alike) goes through one Kysely instance: count them by shape.
const queryStats: QueryStats = { total: 0, notifies: 0, byShape: {} };

function firstTable(node: unknown, depth = 0): string | null {
  if (!node || typeof node !== "object" || depth > 8) return null;
  const n = node as Record<string, unknown>;
  if (n.kind === "TableNode") return (n.table as { identifier?: { name?: string } })?.identifier?.name ?? null;
  for (const key of ["into", "table", "from", ...Object.keys(n)]) {
    const found = Array.isArray(n[key]) ? (n[key] as unknown[]).map((c) => firstTable(c, depth + 1)).find(Boolean) : firstTable(n[key], depth + 1);
    if (found) return found;
  }
  return null;
}

// A `sql` template's fragments are one array per call site: name each once.
// Without this, the instance's own CPU per activity carried this plugin's
// regex over every statement's text (0.8 ms in a profile, docs/performance.md
// "Session 9 (inbox)"), which production never runs.
const rawShapes = new WeakMap<readonly string[], string>();
function rawShapeOf(fragments: readonly string[]): string {
  let shape = rawShapes.get(fragments);
  if (shape === undefined) {
    shape = `sql: ${fragments.join("?").replace(/\s+/g, " ").trim().slice(0, 48)}`;
    rawShapes.set(fragments, shape);
  }
  return shape;
}

function shapeOf(node: { kind: string } & Record<string, unknown>): string {
  switch (node.kind) {
    case "SelectQueryNode":
      return `select ${firstTable(node.from) ?? "?"}`;
    case "InsertQueryNode":
      return `insert ${firstTable(node.into) ?? "?"}`;
    case "UpdateQueryNode":
      return `update ${firstTable(node.table) ?? "?"}`;
    case "DeleteQueryNode":
      return `delete ${firstTable(node.from) ?? "?"}`;
    case "RawNode":
      return rawShapeOf(node.sqlFragments as readonly string[]);
    default:
      return node.kind;
  }
}

// Kysely also passes every sub-select through transformQuery when it is built
// into its outer query, so a statement is counted when its result comes back
// (transformResult runs once per statement sent), by the shape its outermost
// node had (named then, not for every sub-select).
const shapes = new Map<unknown, { kind: string } & Record<string, unknown>>();
const counting: KyselyPlugin = {
  transformQuery(args) {
    // A statement that failed never reports a result: do not keep its node forever.
    if (shapes.size > 10_000) shapes.clear();
    shapes.set(args.queryId, args.node as never);
    return args.node;
  },
  async transformResult(args) {
    const node = shapes.get(args.queryId);
    const shape = node ? shapeOf(node) : "?";
    shapes.delete(args.queryId);
    queryStats.total++;
    queryStats.byShape[shape] = (queryStats.byShape[shape] ?? 0) + 1;
    return args.result;
  },
};

function counted(handle: DatabaseHandle): DatabaseHandle {
  return {
    db: handle.db.withPlugin(counting),
    kind: handle.kind,
    notify(channel, payload) {
      queryStats.notifies++;
      return handle.notify(channel, payload);
    },
    listen: (channel, onNotify) => handle.listen(channel, onNotify),
    close: () => handle.close(),
  };
}

async function start(): Promise<{ app: EcotoneApp; started: Started; cleanup: () => void }> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), ECOTONE_ORIGIN: options.origin ?? `http://localhost:${port}` };
  delete env.DATABASE_URL;
  const opened = await openBenchDatabase();
  const { dataDir, cleanup } = opened;
  await migrateToLatest(opened.handle.db);
  const handle = counted(opened.handle);
  const config = {
    ...loadConfig(env, "/nonexistent"),
    host: "127.0.0.1",
    dataDir,
    bootstrapAdmin: false,
    allowPrivateAddresses: true,
    ...(options.fetchTimeoutMs ? { fetchTimeoutMs: options.fetchTimeoutMs } : {}),
    ...(options.retryInitialDelayMs ? { retryInitialDelayMs: options.retryInitialDelayMs } : {}),
  };
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
  const app = await createApp(config, { database: handle, logger });
  await app.start();
  return {
    app,
    started: { origin: config.origin.origin, host: config.origin.host, database: handle.kind, pid: process.pid, port },
    cleanup,
  };
}

function usage(): Usage {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssMiB: m.rss / 1_048_576,
    heapUsedMiB: m.heapUsed / 1_048_576,
    heapTotalMiB: m.heapTotal / 1_048_576,
    externalMiB: m.external / 1_048_576,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function addRemoteMembers(app: EcotoneApp, command: Extract<Command, { op: "addRemoteMembers" }>): Promise<number> {
  const db = app.ctx.db;
  const group = await db.selectFrom("actors").select("id").where("username", "=", command.groupSlug).where("is_local", "=", true).executeTakeFirstOrThrow();
  let n = 0;
  await withoutInsightTriggers(db, () =>
    db.transaction().execute(async (trx) => {
      for (const peer of command.peers) {
        for (let i = 0; i < command.perPeer; i++) {
          await addRemoteMember(trx, { peer, username: `${command.groupSlug}_m${i}`, groupId: group.id, groupSlug: command.groupSlug });
          n++;
        }
      }
    }),
  );
  return n;
}

/** Copies of a local user (rows of actors, users, actor_keys with the names and URIs changed), each with a token. */
async function cloneUsers(app: EcotoneApp, command: Extract<Command, { op: "cloneUsers" }>): Promise<string[]> {
  const db = app.ctx.db;
  const user = await db.selectFrom("users").selectAll().where("username", "=", command.template).executeTakeFirstOrThrow();
  const actor = await db.selectFrom("actors").selectAll().where("id", "=", user.actor_id).executeTakeFirstOrThrow();
  const keys = await db.selectFrom("actor_keys").selectAll().where("actor_id", "=", actor.id).execute();
  const rename = <T extends object>(row: T, name: string): T =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "string" ? v.replaceAll(`/users/${command.template}`, `/users/${name}`) : v])) as T;
  const names = Array.from({ length: command.count }, (_, i) => `${command.prefix}${i + 1}`);
  for (let start = 0; start < names.length; start += 200) {
    const chunk = names.slice(start, start + 200).map((name) => ({ name, actorId: newId(), userId: newId() }));
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("actors")
        .values(chunk.map((c) => ({ ...rename(actor, c.name), id: c.actorId, username: c.name, raw: null })) as never)
        .execute();
      await trx
        .insertInto("users")
        .values(chunk.map((c) => ({ ...user, id: c.userId, actor_id: c.actorId, username: c.name })))
        .execute();
      await trx
        .insertInto("actor_keys")
        .values(
          chunk.flatMap((c) =>
            keys.map((k) => ({ ...k, actor_id: c.actorId, public_jwk: JSON.stringify(k.public_jwk), private_jwk: JSON.stringify(k.private_jwk) })),
          ) as never,
        )
        .execute();
    });
  }
  const tokens: string[] = [];
  for (const name of names) tokens.push(await createToken(app.ctx, name, { scopes: "read write follow" }));
  return tokens;
}

/**
 * Bulk data for the timeline benchmark, in SQL: remote groups and people,
 * posts spread over them (a third in groups, each with the group's boost, as
 * a group relays it), 1 % tagged #supplychain. The viewer follows 200 people
 * and belongs to 20 groups; the newcomer follows 3 people and 1 group (a
 * sparse home timeline). Ids are time-ordered like newId().
 */
async function seedTimelines(db: Kysely<Database>, command: Extract<Command, { op: "seedTimelines" }>): Promise<void> {
  const { posts, groups, people } = command;
  const localId = async (username: string) =>
    (await db.selectFrom("actors").select("id").where("username", "=", username).where("is_local", "=", true).executeTakeFirstOrThrow()).id;
  const viewer = { id: await localId(command.viewer) };
  const newcomer = { id: await localId(command.newcomer) };
  // Each step is one bulk statement; its time is printed so a slow seed shows where it stalls.
  let step = 0;
  const run = async (text: string) => {
    const t0 = performance.now();
    const label = text.trim().split("\n")[0]!.replace(/\s+/g, " ").slice(0, 60);
    await db.executeQuery(CompiledQuery.raw(text));
    process.stderr.write(`  seed ${++step}: ${label} — ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  const actorId = (n: string) => `'9' || lpad((${n})::text, 18, '0')`;
  const nowMs = Date.now();
  // The p-th post was published (posts - p) seconds ago; its id starts with that time, as newId() does.
  const timeId = (p: string, sequence: string) => `lpad((${nowMs} - (${posts} - ${p}) * 1000)::text, 13, '0') || '${sequence}'`;
  const postId = (p: string) => timeId(p, "000000");
  await run(`
    insert into actors (id, uri, type, username, domain, is_local, inbox_url, shared_inbox_url, created_at, updated_at)
    select ${actorId("g")}, 'https://seed' || (g % 50) || '.example/users/u' || g,
           case when g <= ${groups} then 'Group' else 'Person' end,
           'u' || g, 'seed' || (g % 50) || '.example', false,
           'https://seed' || (g % 50) || '.example/users/u' || g || '/inbox', 'https://seed' || (g % 50) || '.example/inbox', now(), now()
    from generate_series(1, ${groups + people}) g`);
  await run(`insert into groups (actor_id, visibility, join_policy) select ${actorId("g")}, 'public', 'open' from generate_series(1, ${groups}) g`);
  await run(`
    insert into follows (id, follower_id, followee_id, state, activity_uri)
    select '8' || lpad(g::text, 18, '0'), '${viewer.id}', ${actorId("g")}, 'accepted', 'https://seed.example/follows/' || g
    from generate_series(1, ${groups + 200}) g where g <= 20 or g > ${groups}`);
  await run(`
    insert into follows (id, follower_id, followee_id, state, activity_uri)
    select '6' || lpad(g::text, 18, '0'), '${newcomer.id}', ${actorId("g")}, 'accepted', 'https://seed.example/follows/n' || g
    from generate_series(1, ${groups + people}) g where g = ${groups} or g > ${groups + people} - 3`);
  // Other followers of the people and groups, so the follows table is not just the viewer's rows.
  // The membership-event trigger (migration 0062) would only look each row's group up and find
  // it remote (it records events for our own groups): a plpgsql call per row for nothing.
  await run("alter table follows disable trigger follows_membership_events");
  await run(`
    insert into follows (id, follower_id, followee_id, state, activity_uri)
    select '7' || lpad(f::text, 18, '0'), ${actorId(`${groups} + 1 + (f % ${people})`)}, ${actorId(`1 + ((f * 7919) % (${groups + people}))`)},
           'accepted', 'https://seed.example/follows/x' || f
    from generate_series(1, ${people * 5}) f
    on conflict do nothing`);
  await run("alter table follows enable trigger follows_membership_events");
  await run(`
    insert into posts (id, uri, author_id, group_id, thread_uri, type, content_html, visibility, is_local, published_at)
    select ${postId("p")}, 'https://seed.example/p/' || p,
           ${actorId(`${groups} + 1 + (p % ${people})`)},
           case when p % 3 = 0 then ${actorId(`1 + (p / 3) % ${groups}`)} else null end,
           'https://seed.example/p/' || p, 'Note', '<p>post ' || p || ' #supplychain</p>', 'public', false,
           now() - ((${posts} - p) || ' seconds')::interval
    from generate_series(1, ${posts}) p`);
  await run(`
    insert into reblogs (id, post_id, actor_id, activity_uri, created_at)
    select ${timeId("p", "000001")}, ${postId("p")}, ${actorId(`1 + (p / 3) % ${groups}`)}, 'https://seed.example/announce/' || p,
           now() - ((${posts} - p) || ' seconds')::interval
    from generate_series(3, ${posts}, 3) p`);
  await run(`insert into post_tags (post_id, tag) select ${postId("p")}, 'supplychain' from generate_series(1, ${posts}, 100) p`);
}

/** A bearer token, or "cookie:<value>" for the web interface's session. */
function authHeaders(token: string): Record<string, string> {
  return token.startsWith("cookie:") ? { cookie: token.slice("cookie:".length) } : { authorization: `Bearer ${token}` };
}

/** Runs each route `samples` times through fastify (no socket): the server's own time. */
async function timeRoutes(app: EcotoneApp, command: Extract<Command, { op: "timeRoutes" }>): Promise<RouteTiming[]> {
  const out: RouteTiming[] = [];
  for (const route of command.routes) {
    const call = () => app.fastify.inject({ method: "GET", url: route.path, headers: authHeaders(command.token) });
    let status = 0;
    for (let i = 0; i < 5; i++) status = (await call()).statusCode; // warm-up
    const samples: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < command.samples; i++) {
      const t0 = performance.now();
      status = (await call()).statusCode;
      samples.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    out.push({ name: route.name, path: route.path, samples, status, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / command.samples });
  }
  return out;
}

/** Captures every query a route runs and EXPLAIN ANALYZEs it. */
async function explainRoutes(app: EcotoneApp, command: Extract<Command, { op: "explainRoutes" }>): Promise<PlanReport[]> {
  const db = app.ctx.db;
  const sizes = new Map<string, number>();
  const big = await db.executeQuery<{ relname: string; n: number }>(
    CompiledQuery.raw("select relname, reltuples::bigint as n from pg_class where relkind = 'r' and relnamespace = current_schema()::regnamespace"),
  );
  for (const row of big.rows) sizes.set(row.relname, Number(row.n));
  const reports: PlanReport[] = [];
  for (const route of command.routes) {
    const { plugin, statements: captured } = captureStatements(db);
    // Routes read ctx.db at call time: swap in a capturing copy for one request.
    const mutable = app.ctx as { db: Kysely<Database> };
    mutable.db = db.withPlugin(plugin);
    try {
      await app.fastify.inject({ method: "GET", url: route.path, headers: authHeaders(command.token) });
    } finally {
      mutable.db = db;
    }
    let i = 0;
    for (const query of captured) {
      if (!onlyReads(query.sql)) continue;
      i++;
      const result = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain analyze ${query.sql}`, [...query.parameters]));
      const plan = result.rows.map((r) => r["QUERY PLAN"]).join("\n");
      const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!).filter((t) => (sizes.get(t) ?? 0) > 10_000);
      const filteredScans: string[] = [];
      const lines = plan.split("\n");
      lines.forEach((line, at) => {
        const removed = Number(/Rows Removed by Filter: (\d+)/.exec(line)?.[1] ?? 0);
        if (removed <= 10_000) return;
        const scan = lines
          .slice(0, at)
          .reverse()
          .find((l) => / on (\w+)/.test(l));
        filteredScans.push(`${/ on (\w+)/.exec(scan ?? "")?.[1] ?? "?"}: ${removed} filtered`);
      });
      const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
      reports.push({
        name: `${route.name} #${i}`,
        sql: query.sql,
        plan,
        seqScans: [...new Set(seqScans)],
        filteredScans,
        executionMs: Number.isNaN(executionMs) ? null : executionMs,
      });
    }
  }
  return reports;
}

const { app, started, cleanup } = await start();
startLaneTrace(process.env.BENCH_LANE_TRACE);
process.send!({ started });

async function handle(command: Command): Promise<unknown> {
  const db = app.ctx.db;
  switch (command.op) {
    case "user": {
      const created = await createUser(app.ctx, { username: command.username, password: "correct horse battery staple" });
      const token = await createToken(app.ctx, command.username, { scopes: "read write follow" });
      return { username: command.username, token, uri: created.uri, handle: `@${command.username}@${started.host}` };
    }
    case "webSession": {
      const user = await getUserByUsername(app.ctx, command.username);
      const session = await createSession(app.ctx, user!.id);
      return `cookie:ecotone_session=${encodeURIComponent(session.cookieValue)}`;
    }
    case "cloneUsers":
      return cloneUsers(app, command);
    case "addRemoteMembers":
      return addRemoteMembers(app, command);
    case "count": {
      const row = await db
        .selectFrom(command.table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }
    case "queueRows": {
      // What is queued, for a scenario to explain a stall (no message bodies).
      const rows = await app.ctx.db
        .selectFrom("fedify_queue")
        .select(["id", "queue", "ordering_key", "blocked", "locked_until", "available_at", "attempts"])
        .orderBy("id")
        .limit(50)
        .execute();
      return rows.map((r) => ({ ...r, locked_until: r.locked_until?.toISOString() ?? null, available_at: r.available_at.toISOString() }));
    }
    case "queueDepth": {
      const rows = await db
        .selectFrom("fedify_queue")
        .select(["queue", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy("queue")
        .execute();
      return Object.fromEntries(rows.map((r) => [r.queue, Number(r.n)]));
    }
    case "seedTimelines":
      await withoutInsightTriggers(db, () => withIndexesBuiltAfter(db, ["posts", "reblogs", "follows", "post_tags"], () => seedTimelines(db, command)));
      // Statistics for the planner once everything (rollups, indexes) is in place.
      await db.executeQuery(CompiledQuery.raw("analyze"));
      return null;
    case "timeRoutes":
      return timeRoutes(app, command);
    case "explainRoutes":
      return explainRoutes(app, command);
    case "usage":
      if (command.gc) {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        await new Promise((resolve) => setTimeout(resolve, 50));
        gc?.();
      }
      return usage();
    case "queryStats":
      return structuredClone(queryStats);
    case "close":
      await app.close();
      cleanup();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on("message", (raw) => {
  const { id, command } = raw as { id: number; command: Command };
  handle(command).then(
    (result) => process.send!({ id, result }),
    (error: unknown) => process.send!({ id, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) }),
  );
});
// The parent went away: do not linger.
process.on("disconnect", () => process.exit(0));
