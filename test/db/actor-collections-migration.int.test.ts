// Migrations 0121 and 0138 (security findings 42 and 55): a remote actor stored
// before the rule loses the collections and inboxes it named on another
// origin, and keeps those on its own.
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { up } from "../../migrations/0121_actor_collections_on_own_origin.ts";
import { up as upInboxes } from "../../migrations/0138_actor_inboxes_on_own_origin.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await openDatabase({ databaseUrl: undefined, dataDir: "memory://" });
  await migrateToLatest(handle.db);
  const actor = (id: string, origin: string, collections: string, isLocal = false) =>
    sql`insert into actors (id, uri, type, username, domain, is_local, inbox_url, outbox_url, followers_url, following_url, created_at, updated_at)
        values (${id}, ${`${origin}/users/${id}`}, 'Group', ${id}, ${new URL(origin).host}, ${isLocal}, ${`${origin}/users/${id}/inbox`},
                ${`${collections}/outbox`}, ${`${collections}/followers`}, ${`${collections}/following`}, now(), now())`.execute(handle.db);
  await actor("honest", "https://good.example", "https://good.example/users/honest");
  await actor("hostile", "https://evil.example", "https://victim.example/users/den");
  await actor("subdomain", "https://evil.example", "https://evil.example.victim.example/x");
  await actor("port", "https://evil.example", "https://evil.example:8443/x");
  await up(handle.db);
  await sql`update actors set shared_inbox_url = 'https://victim.example/inbox' where id in ('hostile', 'port')`.execute(handle.db);
  await sql`update actors set inbox_url = 'https://victim.example/users/x/inbox' where id = 'subdomain'`.execute(handle.db);
  await sql`update actors set shared_inbox_url = 'https://good.example/inbox' where id = 'honest'`.execute(handle.db);
  await upInboxes(handle.db);
}, 60_000);

afterAll(async () => {
  await handle?.close();
});

it("nulls the collections on another origin and keeps the actor's own", async () => {
  const rows = await handle.db.selectFrom("actors").select(["id", "outbox_url", "followers_url", "following_url"]).orderBy("id").execute();
  const byId = Object.fromEntries(rows.map((r) => [r.id, [r.outbox_url, r.followers_url, r.following_url]]));
  expect(byId.honest).toEqual([
    "https://good.example/users/honest/outbox",
    "https://good.example/users/honest/followers",
    "https://good.example/users/honest/following",
  ]);
  expect(byId.hostile).toEqual([null, null, null]);
  expect(byId.subdomain).toEqual([null, null, null]);
  expect(byId.port).toEqual([null, null, null]);
});

it("nulls the inboxes on another origin and keeps the actor's own", async () => {
  const rows = await handle.db.selectFrom("actors").select(["id", "inbox_url", "shared_inbox_url"]).orderBy("id").execute();
  const byId = Object.fromEntries(rows.map((r) => [r.id, [r.inbox_url, r.shared_inbox_url]]));
  expect(byId.honest).toEqual(["https://good.example/users/honest/inbox", "https://good.example/inbox"]);
  expect(byId.hostile).toEqual(["https://evil.example/users/hostile/inbox", null]);
  expect(byId.port).toEqual(["https://evil.example/users/port/inbox", null]);
  expect(byId.subdomain).toEqual([null, null]);
});
