// The insight rollups against the base tables: repeated and undone actions
// leave them equal to a rebuild from scratch, and the audience the triggers
// record is the one the rest of Ecotone shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { RELATIONSHIPS } from "../../src/domain/organization.rules.ts";
import { newId } from "../../src/domain/ids.ts";
import { runCommand } from "../../src/cli/commands.ts";
import { periodParts, threadFigures } from "../../src/db/queries/insight.queries.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { audiencesOf } from "../../src/services/organizations/partner.service.ts";
import { createPost, deletePost, likePost, unlikePost } from "../../src/services/posts/post.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
  for (const username of ["alice", "bob"]) await createUser(ctx, { username, password: "correct horse battery staple" });
  await createGroup(ctx, "alice", { slug: "help", name: "Help" });
  await joinGroup(ctx, "bob", "help");
});

afterAll(async () => {
  await handle.close();
});

async function daily() {
  const rows = await sql<{ metric: string; n: number }>`
    select metric, sum(count)::int as n from insight_daily where group_id <> '*' and organization <> '' group by 1 order by 1`.execute(ctx.db);
  return Object.fromEntries(rows.rows.filter((r) => r.n !== 0).map((r) => [r.metric, r.n]));
}

async function threads() {
  return (await sql<{ first_reply_at: Date | null }>`select first_reply_at from insight_threads`.execute(ctx.db)).rows;
}

/** The per-day thread rollups of the groups (0082), without rows that summed to nothing. */
async function threadRollup() {
  const rows = await sql<{ day: string; organization: string; audience: string; answerer: string; threads: number; answered: number; seconds: number }>`
    select to_char(day, 'YYYY-MM-DD') as day, organization, audience, answerer, sum(threads)::int as threads, sum(answered)::int as answered,
      sum(reply_seconds)::int as seconds
    from insight_thread_daily where group_id <> '*' group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(ctx.db);
  return rows.rows.filter((r) => r.threads !== 0 || r.answered !== 0 || r.seconds !== 0);
}

/** The same figures counted from insight_threads and insight_thread_answers directly. */
async function threadRecount() {
  const rows = await sql<{ day: string; organization: string; audience: string; answerer: string; threads: number; answered: number; seconds: number }>`
    select day, organization, audience, answerer, sum(threads)::int as threads, sum(answered)::int as answered, sum(seconds)::int as seconds from (
      select to_char(opened_at at time zone 'UTC', 'YYYY-MM-DD') as day, organization, audience, '' as answerer, 1 as threads,
        case when first_reply_at is null then 0 else 1 end as answered,
        coalesce(greatest(0, round(extract(epoch from first_reply_at - opened_at))), 0) as seconds
      from insight_threads
      union all
      select to_char(t.opened_at at time zone 'UTC', 'YYYY-MM-DD'), t.organization, t.audience, a.organization, 0, 1,
        greatest(0, round(extract(epoch from a.first_at - t.opened_at)))
      from insight_threads t join insight_thread_answers a on a.thread_uri = t.thread_uri
    ) x group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(ctx.db);
  return rows.rows;
}

describe("insight rollups", () => {
  it("count a repeated like once, take back an undone one, and forget a deleted reply", async () => {
    const root = await createPost(ctx, "alice", { group: "help", content: "How do I reset my key?" });
    const reply = await createPost(ctx, "bob", { inReplyTo: root.id, content: "Settings → Keys" });
    await likePost(ctx, "bob", root.id);
    await likePost(ctx, "bob", root.id);
    expect(await daily()).toMatchObject({ posts: 1, replies: 1, likes: 1, joined: 2 });
    expect((await threads())[0]?.first_reply_at).not.toBeNull();

    await unlikePost(ctx, "bob", root.id);
    await likePost(ctx, "alice", reply.id);
    await deletePost(ctx, "bob", reply.id);
    const now = await daily();
    expect(now.replies).toBeUndefined();
    expect(now.likes).toBeUndefined();
    expect(now.posts).toBe(1);
    // The only answer is gone: the thread is unanswered again.
    expect((await threads())[0]?.first_reply_at).toBeNull();

    const snapshot = await sql`select group_id, day, metric, organization, audience, count from insight_daily where count <> 0 order by 1, 2, 3, 4, 5`.execute(
      ctx.db,
    );
    // `ecotone insights backfill` rebuilds them from the base tables to the same figures.
    expect(await runCommand(ctx, ["insights", "backfill"])).toMatchObject({ ok: true, output: expect.stringMatching(/rebuilt/) });
    const rebuilt = await sql`select group_id, day, metric, organization, audience, count from insight_daily where count <> 0 order by 1, 2, 3, 4, 5`.execute(
      ctx.db,
    );
    expect(rebuilt.rows).toEqual(snapshot.rows);
  });

  it("keep the per-day thread figures equal to a recount through late, removed and repeated replies, and to a rebuild", async () => {
    await createUser(ctx, { username: "carol", password: "correct horse battery staple" });
    await joinGroup(ctx, "carol", "help");
    const first = await createPost(ctx, "alice", { group: "help", content: "Where are the invoices?" });
    const second = await createPost(ctx, "bob", { group: "help", content: "Can I export my data?" });
    await createPost(ctx, "alice", { group: "help", content: "Nobody answers this one" });
    const early = await createPost(ctx, "bob", { inReplyTo: first.id, content: "Billing tab" });
    await createPost(ctx, "carol", { inReplyTo: first.id, content: "Also by mail" });
    await createPost(ctx, "alice", { inReplyTo: second.id, content: "Yes, under Settings" });
    await createPost(ctx, "bob", { inReplyTo: second.id, content: "Bumping my own question does not answer it" });
    await deletePost(ctx, "bob", early.id);
    const rollup = await threadRollup();
    expect(rollup).toEqual(await threadRecount());
    // Four threads (one from the test above): the first answered by carol only now, the second by alice
    // (bob's own bump does not count), two unanswered.
    const overall = rollup.filter((r) => r.answerer === "");
    expect([overall.reduce((n, r) => n + r.threads, 0), overall.reduce((n, r) => n + r.answered, 0)]).toEqual([4, 2]);

    const latency = async () =>
      (await sql<{ n: number }>`select sum(count)::int as n from insight_thread_latency where group_id <> '*'`.execute(ctx.db)).rows[0]?.n ?? 0;
    const answered = (await sql<{ n: number }>`select count(*)::int as n from insight_threads where first_reply_at is not null`.execute(ctx.db)).rows[0]?.n;
    expect(await latency()).toBe(answered);

    // The first answers kept reply by reply are those a recompute from the posts finds.
    const answers = () => sql`select thread_uri, organization, first_at from insight_thread_answers order by 1, 2`.execute(ctx.db).then((r) => r.rows);
    const kept = await answers();
    // The monthly grain (0086) is the daily one summed per month, kept by the same triggers.
    const sums = (table: string, day: string) =>
      sql
        .raw<{ m: string; answerer: string; threads: number; answered: number; seconds: number }>(
          `select to_char(date_trunc('month', ${day}), 'YYYY-MM') as m, answerer, sum(threads)::int as threads, sum(answered)::int as answered,
             sum(reply_seconds)::int as seconds from ${table} group by 1, 2 having sum(threads) <> 0 or sum(answered) <> 0 order by 1, 2`,
        )
        .execute(ctx.db)
        .then((r) => r.rows);
    const monthly = () => sums("insight_thread_monthly", "month");
    const monthlyFromDaily = () => sums("insight_thread_daily", "day");
    const monthlyBefore = await monthly();
    expect(monthlyBefore.length).toBeGreaterThan(0);
    expect(await runCommand(ctx, ["insights", "backfill"])).toMatchObject({ ok: true });
    expect(await answers()).toEqual(kept);
    expect(await threadRollup()).toEqual(rollup);
    expect(monthlyBefore).toEqual(await monthlyFromDaily());
    expect(await monthly()).toEqual(monthlyBefore);
    // A period of whole months (read from the monthly rows) says what the same activity read by day says.
    const today = new Date().toISOString().slice(0, 10);
    const byDays = { from: today, to: today };
    const byMonths = { from: `${today.slice(0, 4)}-01-01`, to: `${today.slice(0, 4)}-12-31` };
    expect(periodParts(byMonths).every((p) => p.grain === "month")).toBe(true);
    expect(await threadFigures(ctx.db, null, byMonths)).toEqual(await threadFigures(ctx.db, null, byDays));
    // This month without today (read as the month row minus the days outside the
    // period when it is most of the month): all of the activity is today's, so nothing.
    const day = (offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const monthEnd = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const withoutToday = Number(today.slice(8, 10)) <= 15 ? { from: day(1), to: monthEnd } : { from: `${today.slice(0, 8)}01`, to: day(-1) };
    if (withoutToday.from <= withoutToday.to) expect((await threadFigures(ctx.db, null, withoutToday)).threads).toBe(0);
    expect((await threadFigures(ctx.db, null, byMonths)).threads).toBe(4);
    expect(await latency()).toBe(answered);
  });

  it("record the audience Ecotone shows, for every relationship and override", async () => {
    const actors: Array<{ id: string; domain: string }> = [];
    for (const [i, relationship] of [...RELATIONSHIPS, null].entries()) {
      const domain = `peer${i}.example`;
      if (relationship) await ctx.db.insertInto("partners").values({ domain, relationship }).execute();
      for (const override of [null, "supplier"] as const) {
        const id = newId();
        const username = `p${i}${override ? "o" : ""}`;
        await ctx.db
          .insertInto("actors")
          .values({
            id,
            uri: `https://${domain}/users/${username}`,
            type: "Person",
            username,
            domain,
            is_local: false,
            name: null,
            summary: null,
            url: null,
            icon_url: null,
            inbox_url: null,
            shared_inbox_url: null,
            outbox_url: null,
            followers_url: null,
            following_url: null,
            raw: null,
            fetched_at: null,
            gone_at: null,
            header_url: null,
            fields: null,
          })
          .execute();
        if (override) await ctx.db.insertInto("person_audiences").values({ actor_id: id, audience: override }).execute();
        actors.push({ id, domain });
      }
    }
    const local = await ctx.db.selectFrom("actors").select(["id", "domain"]).where("is_local", "=", true).where("type", "=", "Person").execute();
    actors.push(...local);
    const expected = await audiencesOf(ctx, actors);
    for (const actor of actors) {
      const r = await sql<{ audience: string }>`select ecotone_insight_audience(${actor.id}, ${actor.domain}) as audience`.execute(ctx.db);
      expect(`${actor.domain}:${r.rows[0]?.audience}`).toBe(`${actor.domain}:${expected.get(actor.id)}`);
    }
  });
});
