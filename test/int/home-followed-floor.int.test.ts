// The home timeline's followed-accounts branch reads up to a floor (the
// page's limit-th newest of the followed accounts' newest posts) instead of
// every account's posts up to the page's limit. The page must be the same:
// here, against the home timeline written as its plain definition (one `OR`
// over the sources, every rule spelled out), on a database of 300 accounts
// posting at different rates, with direct and followers-only posts, mentions,
// a followed tag, mutes (one expired), blocks both ways, a blocked domain and
// an exclusive list; every page walked by max_id, and since_id / min_id pages.
// Then the rows read: the branch reads about one post per followed account,
// not the page's limit per account. Home's boosts are read the same way and
// checked the same way.
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/schema.ts";
import { homeTimeline, type PageBounds } from "../../src/db/queries/timeline.queries.ts";
import { reblogsForHome } from "../../src/db/queries/post.queries.ts";
import { analyzedPlan, captureStatements, type PlanNode } from "../../src/db/statement-capture.ts";
import { startInstanceWithUsers, type TestInstance } from "../helpers/instances.ts";

let a: TestInstance;
let db: Kysely<Database>;
let aliceId: string;
let newcomerId: string;

const actor = (n: number) => `8${String(n).padStart(18, "0")}`;

beforeAll(async () => {
  ({ instance: a } = await startInstanceWithUsers("alice", "newcomer"));
  db = (a.app.ctx as { db: Kysely<Database> }).db;
  const idOf = async (username: string) =>
    (await db.selectFrom("actors").select("id").where("username", "=", username).where("is_local", "=", true).executeTakeFirstOrThrow()).id;
  aliceId = await idOf("alice");
  newcomerId = await idOf("newcomer");
  const aliceUri = (await db.selectFrom("actors").select("uri").where("id", "=", aliceId).executeTakeFirstOrThrow()).uri;
  await sql`insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
    select '8' || lpad(n::text, 18, '0'), 'https://far' || (n % 4) || '.example/u/' || n, 'Person', 'u' || n, 'far' || (n % 4) || '.example', false,
      'https://far' || (n % 4) || '.example/u/' || n || '/inbox', now(), now()
    from generate_series(1, 300) n`.execute(db);
  // Accounts post at rates from every round to one round in five; ids grow with the round, as time-ordered ids do.
  await sql`insert into posts (id, uri, author_id, thread_uri, type, content_html, visibility, is_local, published_at)
    select '9' || lpad((k * 1000 + n)::text, 18, '0'), 'https://far.example/p/' || k || '/' || n, '8' || lpad(n::text, 18, '0'),
      'https://far.example/p/' || k || '/' || n, 'Note', '<p>post</p>',
      case (k + n) % 9 when 0 then 'direct' when 1 then 'private' when 2 then 'unlisted' else 'public' end, false, now()
    from generate_series(1, 40) k, generate_series(1, 300) n
    where (k + n) % (1 + n % 5) = 0`.execute(db);
  // Alice's own posts, among the others' (her id sorts below '8…'/'9…': give them seeded ids in the same range).
  await sql`insert into posts (id, uri, author_id, thread_uri, type, content_html, visibility, is_local, published_at)
    select '9' || lpad((k * 1000 + 999)::text, 18, '0'), 'https://far.example/mine/' || k, ${aliceId}, 'https://far.example/mine/' || k, 'Note', '<p>mine</p>',
      case when k % 3 = 0 then 'private' else 'public' end, true, now()
    from generate_series(1, 40, 7) k`.execute(db);
  await sql`insert into post_mentions (post_id, actor_uri) select id, ${aliceUri} from posts where visibility in ('private', 'direct') and right(id, 1) in ('2', '5')`.execute(
    db,
  );
  await sql`insert into post_tags (post_id, tag) select id, 'cargo' from posts where right(id, 2) in ('07', '41')`.execute(db);
  await sql`insert into tag_follows (id, actor_id, tag) values ('tf1', ${aliceId}, 'cargo')`.execute(db);
  // Alice follows accounts 1–150 (151–160 asked, not accepted); the newcomer follows 3.
  await sql`insert into follows (id, follower_id, followee_id, state, activity_uri)
    select 'f' || n, ${aliceId}, '8' || lpad(n::text, 18, '0'), case when n > 150 then 'pending' else 'accepted' end, 'https://x.example/f/' || n
    from generate_series(1, 160) n`.execute(db);
  await sql`insert into follows (id, follower_id, followee_id, state, activity_uri)
    select 'g' || n, ${newcomerId}, '8' || lpad(n::text, 18, '0'), 'accepted', 'https://x.example/g/' || n from generate_series(10, 12) n`.execute(db);
  // Hidden from alice: 1 muted, 2 muted until yesterday (shown again), 5 blocked, 6 blocking her, far3.example blocked
  // (3, 7, 11…), 8 and 9 in an exclusive list; 10 in a plain list (still at home).
  await sql`insert into account_mutes (id, actor_id, target_id, expires_at) values
    ('m1', ${aliceId}, ${actor(1)}, null), ('m2', ${aliceId}, ${actor(2)}, now() - interval '1 day')`.execute(db);
  await sql`insert into account_blocks (id, actor_id, target_id) values ('b1', ${aliceId}, ${actor(5)}), ('b2', ${actor(6)}, ${aliceId})`.execute(db);
  await sql`insert into account_domain_blocks (id, actor_id, domain) values ('d1', ${aliceId}, 'far3.example')`.execute(db);
  await sql`insert into lists (id, actor_id, title, exclusive) values ('l1', ${aliceId}, 'Crew', true), ('l2', ${aliceId}, 'Yard', false)`.execute(db);
  await sql`insert into list_accounts (list_id, account_id) values ('l1', ${actor(8)}), ('l1', ${actor(9)}), ('l2', ${actor(10)})`.execute(db);
  await sql`analyze`.execute(db);
}, 300_000);

afterAll(async () => {
  await a?.close();
});

/** The home page by its definition: one `OR` over the sources, the hidden authors left out (slow, but plainly right). */
async function homeByDefinition(viewerId: string, bounds: PageBounds): Promise<string[]> {
  const uri = (await db.selectFrom("actors").select("uri").where("id", "=", viewerId).executeTakeFirstOrThrow()).uri;
  const forward = bounds.minId !== undefined;
  const rows = await sql<{ id: string }>`
    select p.id from posts p
    where (p.author_id = ${viewerId}
        or (p.visibility <> 'direct' and p.author_id in (select followee_id from follows where follower_id = ${viewerId} and state = 'accepted'))
        or (p.visibility in ('private', 'direct') and exists (select 1 from post_mentions m where m.post_id = p.id and m.actor_uri = ${uri}))
        or (p.visibility = 'public' and exists (select 1 from post_tags t join tag_follows f on f.tag = t.tag where t.post_id = p.id and f.actor_id = ${viewerId})))
      and p.author_id not in (
        select target_id from account_mutes where actor_id = ${viewerId} and (expires_at is null or expires_at > now())
        union select target_id from account_blocks where actor_id = ${viewerId}
        union select actor_id from account_blocks where target_id = ${viewerId}
        union select id from actors where domain in (select domain from account_domain_blocks where actor_id = ${viewerId})
        union select la.account_id from list_accounts la join lists l on l.id = la.list_id where l.actor_id = ${viewerId} and l.exclusive)
      and (${bounds.maxId ?? null}::text is null or p.id < ${bounds.maxId ?? null})
      and (${bounds.sinceId ?? null}::text is null or p.id > ${bounds.sinceId ?? null})
      and (${bounds.minId ?? null}::text is null or p.id > ${bounds.minId ?? null})
    order by case when ${forward} then p.id end asc, p.id desc
    limit ${bounds.limit}`.execute(db);
  const ids = rows.rows.map((r) => r.id);
  return forward ? ids.reverse() : ids;
}

/** Rows read through an index (an index scan, or a bitmap heap scan over it), every loop counted. */
function rowsOnIndex(node: PlanNode, index: string): number {
  const over = node["Index Name"] === index || (node.Plans ?? []).some((c) => c["Index Name"] === index && c["Relation Name"] === undefined);
  const own = node["Relation Name"] && over ? (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0)) * node["Actual Loops"] : 0;
  return own + (node.Plans ?? []).reduce((n, child) => n + rowsOnIndex(child, index), 0);
}

const ids = async (viewerId: string, bounds: PageBounds) => (await homeTimeline(db, viewerId, bounds)).map((p) => p.id);

describe("home: the followed accounts read up to a floor", () => {
  it("every page alice scrolls through (by max_id, pages of 20 and of 7) is the page by definition, hidden authors and others' DMs left out", async () => {
    for (const limit of [20, 7]) {
      let maxId: string | undefined;
      let pages = 0;
      for (;;) {
        const expected = await homeByDefinition(aliceId, { limit, maxId });
        expect(await ids(aliceId, { limit, maxId })).toEqual(expected);
        if (expected.length < limit) break;
        maxId = expected.at(-1);
        pages++;
      }
      // The walk reaches the bottom of her home (and pages of 20 went through hundreds of posts).
      expect(pages).toBeGreaterThan(limit === 20 ? 40 : 100);
    }
    // The rules held: no post by anyone hidden, none of another's DMs unless naming her.
    const first = await homeTimeline(db, aliceId, { limit: 400 });
    const hidden = [1, 5, 6, 3, 7, 8, 9].map(actor);
    expect(first.filter((p) => hidden.includes(p.author_id))).toEqual([]);
    expect(first.some((p) => p.author_id === actor(2))).toBe(true);
    expect(first.some((p) => p.author_id === actor(10))).toBe(true);
  });

  it("since_id and min_id pages, and the newcomer's home (3 accounts: fewer than the page, no floor), are the pages by definition", async () => {
    const all = await homeByDefinition(aliceId, { limit: 400 });
    for (const point of [all[0]!, all[15]!, all[150]!, all[399]!]) {
      for (const limit of [20, 5]) {
        expect(await ids(aliceId, { limit, sinceId: point })).toEqual(await homeByDefinition(aliceId, { limit, sinceId: point }));
        expect(await ids(aliceId, { limit, minId: point })).toEqual(await homeByDefinition(aliceId, { limit, minId: point }));
        expect(await ids(aliceId, { limit, maxId: point, sinceId: all[399]! })).toEqual(
          await homeByDefinition(aliceId, { limit, maxId: point, sinceId: all[399]! }),
        );
      }
    }
    const newcomer = await homeByDefinition(newcomerId, { limit: 20 });
    expect(newcomer).toHaveLength(20);
    expect(await ids(newcomerId, { limit: 20 })).toEqual(newcomer);
    expect(await ids(newcomerId, { limit: 20, maxId: newcomer[19] })).toEqual(await homeByDefinition(newcomerId, { limit: 20, maxId: newcomer[19] }));
  });

  it("the page's statement reads about one post per followed account, not the page's limit per account", async () => {
    const { plugin, statements } = captureStatements(db);
    await homeTimeline(db.withPlugin(plugin), aliceId, { limit: 20 });
    expect(statements).toHaveLength(1);
    // The posts read through posts_author_idx: the followed accounts' branch (and her own posts).
    const byAuthor = rowsOnIndex(await analyzedPlan(db, statements[0]!), "posts_author_idx");
    // 140 shown accounts: one newest post each for the floor, then the posts at or above it. Up to 20 per
    // account (the branch without the floor) read over 2,000.
    expect(byAuthor).toBeGreaterThan(100);
    expect(byAuthor).toBeLessThan(400);
  });
});

/** Home's boosts by their definition: by the viewer or an account she follows, neither hidden, nor of a hidden author's post. */
async function boostsByDefinition(viewerId: string, bounds: { maxId?: string; limit: number }): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select r.id from reblogs r join posts p on p.id = r.post_id
    where (r.actor_id = ${viewerId} or r.actor_id in (select followee_id from follows where follower_id = ${viewerId} and state = 'accepted'))
      and not exists (select 1 from (
        select target_id as id from account_mutes where actor_id = ${viewerId} and (expires_at is null or expires_at > now())
        union select target_id from account_blocks where actor_id = ${viewerId}
        union select actor_id from account_blocks where target_id = ${viewerId}
        union select id from actors where domain in (select domain from account_domain_blocks where actor_id = ${viewerId})) h
        where h.id in (r.actor_id, p.author_id))
      and (${bounds.maxId ?? null}::text is null or r.id < ${bounds.maxId ?? null})
    order by r.id desc limit ${bounds.limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

describe("home's boosts: read down to a floor too", () => {
  beforeAll(async () => {
    // Accounts 1–200 boost others' posts at different rates, newer boosts with higher ids.
    await sql`insert into reblogs (id, post_id, actor_id, activity_uri)
      select '95' || lpad((k * 1000 + n)::text, 17, '0'), p.id, '8' || lpad(n::text, 18, '0'), 'https://far.example/boost/' || k || '/' || n
      from generate_series(1, 30) k, generate_series(1, 200) n
      join lateral (select id from posts where author_id = '8' || lpad((301 - n)::text, 18, '0') order by id limit 1 offset k - 1) p on true
      where (k + n) % (1 + n % 4) = 0`.execute(db);
    await sql`analyze reblogs`.execute(db);
  });

  it("every page of alice's boosts (by max_id) is the page by definition, and the statement reads about one boost per booster", async () => {
    let maxId: string | undefined;
    let pages = 0;
    for (;;) {
      const expected = await boostsByDefinition(aliceId, { limit: 20, maxId });
      expect((await reblogsForHome(db, aliceId, { limit: 20, maxId })).map((r) => r.id)).toEqual(expected);
      if (expected.length < 20) break;
      maxId = expected.at(-1);
      pages++;
    }
    expect(pages).toBeGreaterThan(20);
    const { plugin, statements } = captureStatements(db);
    await reblogsForHome(db.withPlugin(plugin), aliceId, { limit: 20 });
    const plan = await analyzedPlan(db, statements[0]!);
    // About 110 boosters shown: one newest boost each (and the boosts of hidden authors' posts passed
    // over on the way), then those at or above the floor: ~410. Up to 20 per booster (no floor): ~1,100.
    expect(rowsOnIndex(plan, "reblogs_actor_idx")).toBeLessThan(600);
  });
});
