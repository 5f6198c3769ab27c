// Lists every statement of one group insights answer and one instance insights
// answer, with its EXPLAIN ANALYZE time and the rows its scans read, on a
// PGlite database seeded by the insights scenario (kept in INSIGHTS_DB so a
// second run after a change reads the same data).
//   node bench/insights-explain.ts [--posts=100000] [--people=5000]
import { captureStatements } from "../src/db/statement-capture.ts";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { CompiledQuery, type Kysely } from "kysely";
import { pino } from "pino";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import type { Database } from "../src/db/schema.ts";
import { rebuildInsights } from "../src/db/queries/insight.queries.ts";
import { createToken } from "../src/services/accounts/token.service.ts";
import { createUser, getUserByUsername } from "../src/services/accounts/user.service.ts";
import { seed } from "./scenarios/insights.ts";

const arg = (name: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? d);
const dir = process.env.INSIGHTS_DB ?? "/tmp/ecotone-insights-explain";
const fresh = !existsSync(dir);
const handle = await openDatabase({ databaseUrl: undefined, dataDir: dir });
await migrateToLatest(handle.db);
const env: Record<string, string | undefined> = { ...process.env, PORT: "3999", ECOTONE_ORIGIN: "http://localhost:3999" };
delete env.DATABASE_URL;
const config = { ...loadConfig(env, "/nonexistent"), host: "127.0.0.1", dataDir: `${dir}-files`, bootstrapAdmin: false, allowPrivateAddresses: true };
const app = await createApp(config, { database: handle, logger: pino({ level: "silent" }) });
const options = { posts: arg("posts", 100_000), people: arg("people", 5_000), organizations: 100, groups: 20, days: 90, samples: 0 };
if (fresh) {
  await createUser(app.ctx, { username: "admin", password: "correct horse battery staple", role: "admin" });
  const admin = (await getUserByUsername(app.ctx, "admin"))!;
  await seed(handle, options, admin.actorId, config.origin.host);
  await rebuildInsights(handle.db);
  await handle.db.executeQuery(CompiledQuery.raw("vacuum analyze"));
}
const token = await createToken(app.ctx, "admin", { scopes: "read admin:read" });
const db = app.ctx.db;
const to = new Date().toISOString().slice(0, 10);
const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
const group = `9${"1".padStart(18, "0")}`;
const routes = [
  ["group, by day", `/api/ecotone/v1/groups/${group}/insights?from=${from}&to=${to}`],
  ["group, by week and organization", `/api/ecotone/v1/groups/${group}/insights?from=${from}&to=${to}&interval=week&by=organization`],
  ["instance, by day", `/api/ecotone/v1/insights?from=${from}&to=${to}`],
  ["instance, by week and audience", `/api/ecotone/v1/insights?from=${from}&to=${to}&interval=week&by=audience`],
] as const;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
for (const [name, path] of routes) {
  const call = () => app.fastify.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${token}` } });
  for (let i = 0; i < 3; i++) await call();
  const { plugin, statements: captured } = captureStatements(db);
  const mutable = app.ctx as { db: Kysely<Database> };
  mutable.db = db.withPlugin(plugin);
  const res = await call();
  mutable.db = db;
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`\n## ${name}: ${res.statusCode}, ${captured.length} statements, route median ${times[7]!.toFixed(1)} ms`);
  let total = 0;
  for (const q of captured) {
    if (!/^\s*(with|select)/i.test(q.sql)) {
      console.log(`  (not explained) ${q.sql.slice(0, 90)}`);
      continue;
    }
    const r = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain (analyze, buffers off) ${q.sql}`, [...q.parameters]));
    const plan = r.rows.map((x) => x["QUERY PLAN"]);
    const ms = Number(/Execution Time: ([\d.]+)/.exec(plan.join("\n"))?.[1]);
    total += ms;
    // Rows the leaf scans produced (actual rows × loops), per table.
    const read: string[] = [];
    for (const line of plan) {
      const m = /(?:Seq|Index Only|Index|Bitmap Heap) Scan(?: using \w+)? on (\w+).*actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+) loops=(\d+)/.exec(line);
      if (m) read.push(`${m[1]} ${Number(m[2]) * Number(m[3])}${/Seq Scan/.test(line) ? " (seq)" : ""}`);
    }
    console.log(`  ${ms.toFixed(2).padStart(8)} ms  ${q.sql.replace(/\s+/g, " ").slice(0, 100)}\n             reads: ${read.join(", ")}`);
    if (process.env.PLANS) console.log(plan.map((l) => `             | ${l}`).join("\n"));
  }
  console.log(`  sum of statement times ${total.toFixed(1)} ms`);
}
await app.close();
await handle.close();
