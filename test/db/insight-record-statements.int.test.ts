// What the insight triggers run for an incoming post (migration 0113): the
// day's counts for the post's group and the instance in one upsert, the
// author's active rows in one insert, and no helper function called when the
// author was already active that day. The figures stay the same
// (insight-rebuild.int.test.ts compares every rollup with the rebuild).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import { newId } from "../../src/domain/ids.ts";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
let db: Kysely<any>;
let author = "";
let n = 0;

beforeAll(async () => {
  handle = await openTestDatabase();
  db = handle.db as Kysely<any>;
  author = newId();
  await sql`insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
    values (${author}, 'https://remote.example/users/ann', 'Person', 'ann', 'remote.example', false, 'https://remote.example/inbox', now(), now())`.execute(db);
});

afterAll(async () => {
  await handle.close();
});

const at = "2026-06-30T10:00:00Z";

/** Stores a public post outside any group (what the inbox benchmark sends) and returns the helper calls it made. */
async function postAndCountCalls(): Promise<Record<string, number>> {
  return db.transaction().execute(async (tx) => {
    await sql`set local track_functions = 'all'`.execute(tx);
    // The view also holds this session's earlier calls not yet flushed (PostgreSQL 15+): take the difference.
    const calls = async () => {
      const r = await sql<{ funcname: string; calls: number }>`
        select funcname, calls::int as calls from pg_stat_xact_user_functions where funcname like 'ecotone_insight%'`.execute(tx);
      return new Map(r.rows.map((row) => [row.funcname, row.calls]));
    };
    const before = await calls();
    const uri = `https://remote.example/notes/${++n}`;
    await sql`insert into posts (id, uri, author_id, group_id, in_reply_to_uri, thread_uri, type, content_html, visibility, is_local, published_at)
      values (${newId()}, ${uri}, ${author}, null, null, ${uri}, 'Note', '<p>hello</p>', 'public', false, ${at})`.execute(tx);
    const made: Record<string, number> = {};
    for (const [name, count] of await calls()) if (count > (before.get(name) ?? 0)) made[name] = count - (before.get(name) ?? 0);
    return made;
  });
}

async function instancePosts(): Promise<number> {
  const r = await sql<{ count: number }>`select coalesce(sum(count), 0)::int as count from insight_daily
    where group_id = '*' and metric = 'posts' and organization = '' and day = ${at}::date`.execute(db);
  return r.rows[0]!.count;
}

describe("the insight triggers for an incoming post", () => {
  it("count it in the instance's figures, calling no helper once its author is active that day", async (test) => {
    const superuser = await sql<{ yes: boolean }>`select rolsuper as yes from pg_roles where rolname = current_user`.execute(db);
    if (!superuser.rows[0]?.yes) test.skip(); // track_functions is a superuser setting

    const first = await postAndCountCalls();
    // The first post of the day marks the author active (group '' and instance): two day
    // counts and two week counts, written by the shared helper.
    expect(first["ecotone_insight_record"]).toBe(1);
    expect(first["ecotone_insight_active"]).toBeUndefined();
    expect(first["ecotone_insight_bump"]).toBe(4);

    const second = await postAndCountCalls();
    expect(second["ecotone_insight_record"]).toBe(1);
    // Before 0113: two calls of ecotone_insight_bump and two of ecotone_insight_active here.
    expect(second["ecotone_insight_bump"]).toBeUndefined();
    expect(second["ecotone_insight_active"]).toBeUndefined();

    expect(await instancePosts()).toBe(2);
    const active = await sql<{ count: number }>`select count(*)::int as count from insight_active where actor_id = ${author}`.execute(db);
    expect(active.rows[0]!.count).toBe(2); // the group-less scope and the instance, once each
  });
});
