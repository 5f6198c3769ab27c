// PGlite statements as named prepared statements (src/db/pglite.statements.ts,
// ADR 0119): the rows come back exactly as PGlite's own query() returns them,
// first run and later runs alike; a failure leaves the statement usable and the
// data intact; a schema change is seen at once. Always on PGlite: this is the
// PGlite dialect's own behaviour.
import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGliteDialect } from "../../src/db/pglite.dialect.ts";

let pg: PGlite;
let db: Kysely<any>;

beforeAll(async () => {
  // The parsers the application opens PGlite with (src/db/database.ts).
  pg = await PGlite.create({ parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) } });
  db = new Kysely<any>({ dialect: new PGliteDialect(pg) });
  await sql`create table items (id bigserial primary key, name text unique not null, n numeric, ok boolean, doc jsonb, list jsonb, tags text[], at timestamptz, day date)`.execute(
    db,
  );
});

afterAll(async () => {
  await db?.destroy();
});

const insert = (name: string) =>
  db
    .insertInto("items")
    .values({
      name,
      n: 2.5,
      ok: true,
      // An object for jsonb is serialized by the parameter's type, as query() does.
      doc: { a: 1, nested: { b: [1, 2] } },
      list: JSON.stringify([1, "two"]),
      tags: ["x", 'with "quotes"', "comma,inside"],
      at: new Date("2026-12-01T10:00:00.123Z"),
      day: "2026-12-01",
    })
    .returningAll();

describe("the PGlite dialect", () => {
  it("returns the rows PGlite's own query() returns, typed the same, on the first run and on later runs", async () => {
    const first = await insert("one").executeTakeFirstOrThrow();
    const again = await insert("two").executeTakeFirstOrThrow();
    const compiled = db.selectFrom("items").selectAll().where("name", "in", ["one", "two"]).orderBy("id").compile();
    const reference = await pg.query(compiled.sql, [...compiled.parameters], { rowMode: "object" });
    const viaDialect = await db.selectFrom("items").selectAll().where("name", "in", ["one", "two"]).orderBy("id").execute();
    const viaDialectAgain = await db.selectFrom("items").selectAll().where("name", "in", ["one", "two"]).orderBy("id").execute();
    expect(viaDialect).toEqual(reference.rows);
    expect(viaDialectAgain).toEqual(reference.rows);
    expect([first, again]).toEqual(reference.rows);
    expect(first).toMatchObject({ n: 2.5, ok: true, doc: { a: 1, nested: { b: [1, 2] } }, list: [1, "two"], tags: ["x", 'with "quotes"', "comma,inside"] });
    expect(first.at).toEqual(new Date("2026-12-01T10:00:00.123Z"));
    expect(typeof first.id).toBe("number");
  });

  it("keeps a statement usable after it failed, and leaves the stored row as it was", async () => {
    await insert("unique").execute();
    await expect(insert("unique").execute()).rejects.toMatchObject({ code: "23505" });
    const rows = await db.selectFrom("items").select(["name"]).where("name", "=", "unique").execute();
    expect(rows).toEqual([{ name: "unique" }]);
    await insert("unique-2").execute();
    expect(await db.selectFrom("items").select(["name"]).where("name", "like", "unique%").orderBy("name").execute()).toEqual([
      { name: "unique" },
      { name: "unique-2" },
    ]);
  });

  it("reports a statement that does not parse, every time, and runs the next one", async () => {
    for (let i = 0; i < 2; i++) await expect(sql`select from where ${1}`.execute(db)).rejects.toMatchObject({ code: "42601" });
    expect((await sql<{ x: number }>`select ${41}::int + 1 as x`.execute(db)).rows).toEqual([{ x: 42 }]);
  });

  it("sees a schema change at once: a new column in select *, a dropped table refused", async () => {
    await sql`create table notes (id int primary key)`.execute(db);
    await sql`insert into notes values (1)`.execute(db);
    expect(await db.selectFrom("notes").selectAll().execute()).toEqual([{ id: 1 }]);
    await sql`alter table notes add column body text default 'hello'`.execute(db);
    expect(await db.selectFrom("notes").selectAll().execute()).toEqual([{ id: 1, body: "hello" }]);
    await sql`drop table notes`.execute(db);
    await expect(db.selectFrom("notes").selectAll().execute()).rejects.toMatchObject({ code: "42P01" });
  });

  it("rolls back what a transaction wrote, a failed statement inside it included", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("items").values({ name: "in-tx" }).execute();
        await trx.insertInto("items").values({ name: "in-tx" }).execute();
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await db.selectFrom("items").select("name").where("name", "=", "in-tx").execute()).toEqual([]);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("items").values({ name: "in-tx" }).execute();
    });
    expect(await db.selectFrom("items").select("name").where("name", "=", "in-tx").execute()).toEqual([{ name: "in-tx" }]);
  });

  it("runs more distinct statements than it keeps prepared, and the oldest again afterwards", async () => {
    const first = await sql<{ x: number }>`select ${1}::int as x, 'statement 0' as label`.execute(db);
    for (let i = 1; i <= 600; i++) await sql.raw<{ x: number }>(`select ${i} as x`).execute(db);
    const again = await sql<{ x: number }>`select ${1}::int as x, 'statement 0' as label`.execute(db);
    expect(again.rows).toEqual(first.rows);
    expect((await sql.raw<{ x: number }>("select 600 as x").execute(db)).rows).toEqual([{ x: 600 }]);
  });
});
