// Lists that used to be read whole before a page was cut from them now read a
// page from the database: the groups directory, the admin's groups and the
// admin's people. With more rows than a page, "More" leads on; together the
// pages show every row once, in name order, and a person still never sees a
// secret group in the directory (it is filtered by the same rule, the page
// refilled from the next rows).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup } from "../../src/services/groups/group.service.ts";
import { LIST_PAGE } from "../../src/web/list-page.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
// 70 groups, 14 of them secret: 56 in the directory, so its first page must be refilled past the secret ones.
const GROUPS = LIST_PAGE + 20;
const pad = (n: number) => String(n).padStart(3, "0");

beforeAll(async () => {
  a = await startInstance();
  const ctx = a.app.ctx;
  await createUser(ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(ctx, { username: "paul", password: PASSWORD });
  // Every fifth group is secret: the directory must skip them without coming up short.
  for (let i = 0; i < GROUPS; i++) {
    await createGroup(ctx, "root", { slug: `g${pad(i)}`, name: `Group ${pad(i)}`, visibility: i % 5 === 4 ? "secret" : "public", joinPolicy: "open" });
  }
  for (let i = 0; i < LIST_PAGE + 3; i++) await createUser(ctx, { username: `user${pad(i)}` });
}, 300_000);

afterAll(async () => {
  await a?.close();
});

/** Follows "More …" links from `path`, returning each page's rows as matched by `row`. */
async function allPages(v: Visitor, path: string, row: RegExp): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | null = path;
  while (next && pages.length < 10) {
    const page = (await v.get(next)).text_;
    // The table's rows only (the sidebar lists one's own groups too).
    const table = page.slice(page.indexOf("<tbody>"), page.indexOf("</tbody>"));
    pages.push([...table.matchAll(row)].map((m) => m[1]!));
    next = /<a class="button secondary" href="([^"]+)" rel="next">More/.exec(page)?.[1]?.replaceAll("&amp;", "&") ?? null;
  }
  return pages;
}

describe("lists paged in the database", () => {
  it("pages the groups directory, every visible group once, no secret one", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const pages = await allPages(v, "/groups", /<a href="\/g\/(g\d{3})"/g);
    const visible = Array.from({ length: GROUPS }, (_, i) => i)
      .filter((i) => i % 5 !== 4)
      .map((i) => `g${pad(i)}`);
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, visible.length - LIST_PAGE]);
    expect(pages.flat()).toEqual(visible);
  });

  it("pages the admin's groups, secret ones included", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await allPages(v, "/admin/groups", /<a href="\/g\/(g\d{3})"/g);
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, GROUPS - LIST_PAGE]);
    expect(pages.flat()).toEqual(Array.from({ length: GROUPS }, (_, i) => `g${pad(i)}`));
  });

  it("pages the admin's people by username", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await allPages(v, "/admin", /<tr><td>@([\w]+)/g);
    const everyone = ["paul", "root", ...Array.from({ length: LIST_PAGE + 3 }, (_, i) => `user${pad(i)}`)].sort();
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, everyone.length - LIST_PAGE]);
    expect(pages.flat()).toEqual(everyone);
  });

  it("a cursor that is not a key we hand out is refused as no cursor, not an error", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const res = await v.get("/groups?after=%27%20or%201=1--");
    expect(res.status).toBe(200);
    expect([...res.text_.matchAll(/<a href="\/g\/(g\d{3})"/g)].length).toBe(LIST_PAGE);
  });
});
