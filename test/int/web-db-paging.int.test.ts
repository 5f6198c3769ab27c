// Lists that used to be read whole before a page was cut from them now read a
// page from the database: the groups directory, the admin's groups, the
// admin's people, a group's members and its join requests. With more rows than a page, "More" leads on; together the
// pages show every row once, in name order, and a person still never sees a
// secret group in the directory (it is filtered by the same rule, the page
// refilled from the next rows).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createInviteLink } from "../../src/services/groups/invite.service.ts";
import { LIST_PAGE } from "../../src/web/list-page.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";
import { largestRead, observeQueries } from "../helpers/query-rows.ts";

let a: TestInstance;
let observer: ReturnType<typeof observeQueries>;
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
  await createGroup(ctx, "root", { slug: "zcrowd", name: "Crowd", visibility: "public", joinPolicy: "open" });
  await createGroup(ctx, "root", { slug: "zclub", name: "Club", visibility: "public", joinPolicy: "approval" });
  for (let i = 0; i < LIST_PAGE + 3; i++) {
    await createUser(ctx, { username: `user${pad(i)}` });
    await joinGroup(ctx, `user${pad(i)}`, "zcrowd");
    await joinGroup(ctx, `user${pad(i)}`, "zclub");
  }
  // Invitation links: the oldest few used to be unreachable (the page showed the newest 50).
  for (let i = 0; i < LIST_PAGE + 5; i++) await createInviteLink(ctx, "root", { role: "member", audience: i < 5 ? "partner" : "customer" });
  observer = observeQueries(a);
}, 300_000);

afterAll(async () => {
  await a?.close();
});

/** Follows "More …" links from `path`, returning each page's rows as matched by `row`. */
async function allPages(v: Visitor, path: string, row: RegExp, from = "<tbody>", to = "</tbody>", more = "More"): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | null = path;
  while (next && pages.length < 10) {
    const page: string = (await v.get(next)).text_;
    // The list's rows only (the sidebar lists one's own groups too).
    const start = page.indexOf(from);
    const table = page.slice(start, page.indexOf(to, start));
    pages.push([...table.matchAll(row)].map((m) => m[1]!));
    next = new RegExp(`<a class="button secondary" href="([^"]+)" rel="next">${more}`).exec(page)?.[1]?.replaceAll("&amp;", "&") ?? null;
  }
  return pages;
}

describe("lists paged in the database", () => {
  it("pages the groups directory, every visible group once, no secret one", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const pages = await allPages(v, "/groups", /<a href="\/g\/(\w+)"/g);
    const visible = Array.from({ length: GROUPS }, (_, i) => i)
      .filter((i) => i % 5 !== 4)
      .map((i) => `g${pad(i)}`)
      .concat(["zclub", "zcrowd"]);
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, visible.length - LIST_PAGE]);
    expect(pages.flat()).toEqual(visible);
  });

  it("pages the admin's groups, secret ones included", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await allPages(v, "/admin/groups", /<a href="\/g\/(\w+)"/g);
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, GROUPS + 2 - LIST_PAGE]);
    expect(pages.flat()).toEqual(Array.from({ length: GROUPS }, (_, i) => `g${pad(i)}`).concat(["zclub", "zcrowd"]));
  });

  it("pages the admin's people by username", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await allPages(v, "/admin", /<tr><td>@([\w]+)/g, "<tbody>", "</tbody>", "More people");
    const everyone = ["paul", "root", ...Array.from({ length: LIST_PAGE + 3 }, (_, i) => `user${pad(i)}`)].sort();
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, everyone.length - LIST_PAGE]);
    expect(pages.flat()).toEqual(everyone);
  });

  it("pages a group's members and its join requests apart, with the totals", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const members = await allPages(v, "/g/zcrowd/members", /<a href="\/u\/(\w+)"/g, "<h2>Members", "</ul>");
    const users = Array.from({ length: LIST_PAGE + 3 }, (_, i) => `user${pad(i)}`);
    // root (the owner) joined first, the others in the order they joined.
    expect(members.map((p) => p.length)).toEqual([LIST_PAGE, 4]);
    expect(members.flat()).toEqual(["root", ...users]);
    const first = (await v.get("/g/zcrowd/members")).text_;
    expect(first).toContain(`Members (${LIST_PAGE + 4})`);

    const club = (await v.get("/g/zclub/members")).text_;
    expect(club).toContain(`Waiting to join (${LIST_PAGE + 3})`);
    const more = /href="([^"]*requests_after=[^"]+)" rel="next">More requests/.exec(club)?.[1]?.replaceAll("&amp;", "&");
    expect(more).toBeDefined();
    const second = (await v.get(more!)).text_;
    const waiting = (page: string) => [...page.matchAll(/<li><a href="\/u\/(user\d{3})"[^]*?Approve/g)].map((m) => m[1]);
    expect(waiting(club).length).toBe(LIST_PAGE);
    expect([...waiting(club), ...waiting(second)]).toEqual(users);
  });

  it("pages the invitation links, newest first, the oldest reachable", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await allPages(v, "/admin", /<li>(member, \w+):/g, '<ul class="invite-links">', "</ul>", "More invitation links");
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, 5]);
    // The first five made were for partners: they are the last page.
    expect(pages[1]).toEqual(Array(5).fill("member, partner"));
    expect(pages[0]!.every((line) => line === "member, customer")).toBe(true);
  });

  it("a cursor that is not a key we hand out, or names a group no longer there, starts over", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    for (const cursor of ["%27%20or%201=1--", "1234567890123456789"]) {
      const res = await v.get(`/groups?after=${cursor}`);
      expect(res.status).toBe(200);
      expect([...res.text_.matchAll(/<a href="\/g\/(g\d{3})"/g)][0]?.[1]).toBe("g000");
    }
  });

  // Each list has more rows than a page: read whole, its query would return them all. (The
  // sidebar reads its first few of one's groups and one more, in name order: not these queries.)
  it.each([
    ["the groups directory", "paul", "/groups", 'order by "actors"."username"'],
    ["the admin's groups", "root", "/admin/groups", 'order by "actors"."username"'],
    ["the admin's people", "root", "/admin", 'order by "users"."username"'],
    ["the invitation links", "root", "/admin", 'from "invite_links"'],
    ["a group's members", "root", "/g/zcrowd/members", '"follows"."id" as "follow_id"'],
    ["a group's join requests", "root", "/g/zclub/members", '"follows"."id" as "follow_id"'],
  ])("%s reads a page and one more row from the database, no more", async (_what, who, path, query) => {
    const v = new Visitor(a.origin);
    await v.signIn(who);
    const page = await observer.page(v, path);
    expect(page.status).toBe(200);
    const read = largestRead(page, query);
    expect(read.rows, read.sql).toBe(LIST_PAGE + 1);
  });
});
