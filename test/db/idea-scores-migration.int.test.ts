// Migration 0099 on a database that already has ideas and votes: members'
// votes are counted and each idea's stored score is filled in (a
// non-member's like is not a vote); from then on the triggers keep them.
import { mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { MIGRATIONS_DIR, migrateToLatest } from "../../src/db/migrator.ts";
import { risingScore } from "../../src/domain/idea.rules.ts";

const SCORES = "0099_idea_scores.ts";
let handle: DatabaseHandle;
let dir: string;
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  handle = await openDatabase({ databaseUrl: undefined, dataDir: "memory://" });
  dir = await mkdtemp(join(tmpdir(), "ecotone-0099-"));
  // Every migration but 0099 (the links resolve imports from the real folder).
  for (const name of await readdir(MIGRATIONS_DIR))
    if (name !== SCORES && /^\d{4}_.*\.ts$/.test(name)) await symlink(join(MIGRATIONS_DIR, name), join(dir, name));
  await migrateToLatest(handle.db, dir);
  const db = handle.db;
  const actor = (id: string, type: string) =>
    sql`insert into actors (id, uri, type, username, domain, is_local, inbox_url, created_at, updated_at)
        values (${id}, ${`https://old.example/users/${id}`}, ${type}, ${id}, 'old.example', true, ${`https://old.example/users/${id}/inbox`}, now(), now())`.execute(
      db,
    );
  for (const id of ["g", "m1", "m2", "stranger"]) await actor(id, id === "g" ? "Group" : "Person");
  await sql`insert into groups (actor_id, visibility, join_policy) values ('g', 'public', 'open')`.execute(db);
  for (const [id, member] of [
    ["f1", "m1"],
    ["f2", "m2"],
  ])
    await sql`insert into follows (id, follower_id, followee_id, state, activity_uri) values (${id}, ${member}, 'g', 'accepted', ${`https://old.example/f/${id}`})`.execute(
      db,
    );
  for (const id of ["1001", "1002"]) {
    await sql`insert into posts (id, uri, author_id, group_id, thread_uri, type, content_html, visibility, is_local, published_at)
              values (${id}, ${`https://old.example/p/${id}`}, 'm1', 'g', ${`https://old.example/p/${id}`}, 'Note', '<p>idea</p>', 'public', true, now())`.execute(
      db,
    );
    await sql`insert into ideas (post_id, group_id) values (${id}, 'g')`.execute(db);
  }
  const like = (post: string, voter: string, when: string) =>
    sql`insert into likes (post_id, actor_id, activity_uri, created_at) values (${post}, ${voter}, ${`https://old.example/l/${post}/${voter}`}, ${at(when)})`.execute(
      db,
    );
  await like("1001", "m1", "2026-11-01T00:00:00Z");
  await like("1001", "m2", "2026-11-20T00:00:00Z");
  await like("1001", "stranger", "2026-11-21T00:00:00Z");
  await like("1002", "stranger", "2026-11-22T00:00:00Z");
  await symlink(join(MIGRATIONS_DIR, SCORES), join(dir, SCORES));
  expect((await migrateToLatest(handle.db, dir)).applied).toEqual(["0099_idea_scores"]);
}, 180_000);

afterAll(async () => {
  await handle?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("migration 0099", () => {
  it("counts the members' existing votes and stores each idea's score", async () => {
    const ideas = await handle.db.selectFrom("ideas").select(["post_id", "votes", "rising"]).orderBy("post_id").execute();
    expect(ideas.map((i) => [i.post_id, i.votes])).toEqual([
      ["1001", 2],
      ["1002", 0],
    ]);
    expect(ideas[0]!.rising).toBeCloseTo(risingScore([at("2026-11-01T00:00:00Z"), at("2026-11-20T00:00:00Z")]), 9);
    expect(ideas[1]!.rising).toBe(0);
    const counted = await handle.db.selectFrom("likes").select(["post_id", "actor_id", "counted"]).orderBy("post_id").orderBy("actor_id").execute();
    expect(counted.filter((l) => l.counted).map((l) => `${l.post_id}/${l.actor_id}`)).toEqual(["1001/m1", "1001/m2"]);
  });

  it("keeps the score from then on: a member who leaves takes their vote", async () => {
    await handle.db.deleteFrom("follows").where("id", "=", "f2").execute();
    const idea = await handle.db.selectFrom("ideas").select(["votes", "rising"]).where("post_id", "=", "1001").executeTakeFirstOrThrow();
    expect(idea.votes).toBe(1);
    expect(idea.rising).toBeCloseTo(risingScore([at("2026-11-01T00:00:00Z")]), 9);
  });
});
