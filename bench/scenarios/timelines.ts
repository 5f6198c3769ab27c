// Scenario 5 — timelines at size: the home timeline (Mastodon API) and a
// group timeline (Ecotone API) over a seeded database, with the query plans
// of the hot queries (a sequential scan on a hot path is flagged).
import { CompiledQuery, type KyselyPlugin, type Kysely } from "kysely";
import { homeTimeline } from "../../src/db/queries/timeline.queries.ts";
import { listGroupPosts } from "../../src/db/queries/post.queries.ts";
import type { Database } from "../../src/db/schema.ts";
import { startEcotone } from "../lib/ecotone.ts";
import { percentile, type Figures } from "../lib/stats.ts";

async function seed(db: Kysely<Database>, posts: number, groups: number, members: number, viewerId: string) {
  // Remote authors, groups, members, then posts spread over them — in bulk SQL.
  await db.executeQuery(CompiledQuery.raw(`
    insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
    select '9' || lpad(g::text, 18, '0'), 'https://seed.example/users/u' || g, case when g <= ${groups} then 'Group' else 'Person' end,
           'u' || g, 'seed.example', false, 'https://seed.example/users/u' || g || '/inbox', now(), now()
    from generate_series(1, ${groups + members}) g`));
  await db.executeQuery(CompiledQuery.raw(`
    insert into groups (actor_id, visibility, join_policy)
    select '9' || lpad(g::text, 18, '0'), 'public', 'open' from generate_series(1, ${groups}) g`));
  // The viewer follows 200 people and is a member of 20 groups.
  await db.executeQuery(CompiledQuery.raw(`
    insert into follows (id, follower_id, followee_id, state, activity_uri, accepted_at)
    select '8' || lpad(g::text, 18, '0'), '${viewerId}', '9' || lpad(g::text, 18, '0'), 'accepted', 'https://seed.example/f/' || g, now()
    from generate_series(1, ${groups + 200}) g where g <= 20 or g > ${groups}`));
  await db.executeQuery(CompiledQuery.raw(`
    insert into posts (id, uri, author_id, group_id, thread_uri, type, content_html, visibility, is_local, published_at)
    select lpad((1700000000000000000 + p * 1000)::text, 19, '0'), 'https://seed.example/p/' || p,
           '9' || lpad((${groups} + 1 + (p % ${members}))::text, 18, '0'),
           case when p % 3 = 0 then '9' || lpad((1 + p % ${groups})::text, 18, '0') else null end,
           'https://seed.example/p/' || p, 'Note', '<p>post ' || p || '</p>', 'public', false, now() - (p || ' seconds')::interval
    from generate_series(1, ${posts}) p`));
  await db.executeQuery(CompiledQuery.raw("analyze"));
}

function capture(db: Kysely<Database>, into: CompiledQuery[]): KyselyPlugin {
  return {
    transformQuery(args) {
      into.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}

async function plan(db: Kysely<Database>, query: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]));
  return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
}

async function time(n: number, call: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await call();
    if (res.status !== 200) throw new Error(`timeline answered ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
}

export async function timelinesScenario(options: { posts: number; groups: number; members: number }): Promise<{ figures: Figures; plans: Record<string, string> }> {
  const ecotone = await startEcotone();
  try {
    const viewer = await ecotone.user("viewer");
    const db = ecotone.app.ctx.db;
    const viewerId = (await db.selectFrom("actors").select("id").where("username", "=", "viewer").executeTakeFirstOrThrow()).id;
    const seedStart = performance.now();
    await seed(db, options.posts, options.groups, options.members, viewerId);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const home = await time(200, () => ecotone.api(viewer.token, "GET", "/api/v1/timelines/home?limit=20"));
    const groupTimes = await time(100, () => ecotone.api(viewer.token, "GET", `/api/ecotone/v1/groups/${lpadId(1)}/posts`));
    const captured: CompiledQuery[] = [];
    await homeTimeline(db.withPlugin(capture(db, captured)), viewerId, { limit: 20 });
    const homePlan = await plan(db, captured.at(-1)!);
    captured.length = 0;
    await listGroupPosts(db.withPlugin(capture(db, captured)), lpadId(1), { cursor: null, limit: 20, viewerId });
    const groupPlan = await plan(db, captured.find((q) => /from "posts"/.test(q.sql)) ?? captured.at(-1)!);
    const seqScan = (p: string) => /Seq Scan on (posts|follows)\b/.test(p);
    const pg = Boolean(process.env.DATABASE_URL);
    return {
      figures: {
        "posts / groups / members": `${options.posts} / ${options.groups} / ${options.members}`,
        "seeding (s)": seedSeconds,
        "home p50 (ms)": percentile(home, 50),
        "home p99 (ms)": percentile(home, 99),
        "group p50 (ms)": percentile(groupTimes, 50),
        "group p99 (ms)": percentile(groupTimes, 99),
        "sequential scan on a hot path": seqScan(homePlan) || seqScan(groupPlan),
        [`target: p99 < ${pg ? 15 : 25} ms`]: Math.max(percentile(home, 99), percentile(groupTimes, 99)) < (pg ? 15 : 25) ? "met" : "missed",
      },
      plans: { home: homePlan, group: groupPlan },
    };
  } finally {
    await ecotone.close();
  }
}

/** The id the seed gives its n-th actor. */
function lpadId(n: number): string {
  return `9${String(n).padStart(18, "0")}`;
}
