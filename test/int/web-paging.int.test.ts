// Long lists in the web interface come in pages with a "More" link that
// continues after the last one shown: a group's members (and its join
// requests, paged apart), the admin's list of people, a long thread's replies. Following the links
// shows everyone once; a cursor that is not one we hand out starts over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { proposeIdea } from "../../src/services/ideas/idea.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
const MEMBERS = 56;

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createGroup(a.app.ctx, "root", { slug: "crew", name: "Crew", visibility: "public", joinPolicy: "open" });
  await createGroup(a.app.ctx, "root", { slug: "club", name: "Club", visibility: "public", joinPolicy: "approval" });
  for (let i = 1; i < MEMBERS; i++) {
    const username = `worker${String(i).padStart(2, "0")}`;
    await createUser(a.app.ctx, { username });
    await joinGroup(a.app.ctx, username, "crew");
    if (i <= 3) await joinGroup(a.app.ctx, username, "club"); // three requests waiting
  }
}, 120_000);

afterAll(async () => {
  await a?.close();
});

/** Follows the "More …" links of one list from `path`, returning each page's names. */
async function walk(v: Visitor, path: string, what: string, names: RegExp): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | null = path;
  while (next && pages.length < 10) {
    const page = await v.get(next);
    expect(page.status).toBe(200);
    pages.push([...page.text_.matchAll(names)].map((m) => m[1]!));
    next = new RegExp(`href="([^"]+)" rel="next">More ${what}<`).exec(page.text_)?.[1]?.replace(/&amp;/g, "&") ?? null;
  }
  return pages;
}

describe("paging long lists", () => {
  it("shows a group's members fifty at a time, everyone exactly once", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await walk(v, "/g/crew/members", "members", /<a href="\/u\/([\w]+)">/g);
    expect(pages.map((p) => p.length)).toEqual([50, MEMBERS - 50]);
    const everyone = pages.flat();
    expect(new Set(everyone).size).toBe(MEMBERS);
    expect(everyone).toContain("root");
    expect(everyone).toContain("worker55");
    // The heading still counts them all.
    expect(v.lastPage).toContain(`Members (${MEMBERS})`);
  });

  it("pages the admin's list of people, and starts over on a cursor it never handed out", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await walk(v, "/admin", "people", /<tr><td>@([\w]+)/g);
    expect(pages.map((p) => p.length)).toEqual([50, MEMBERS - 50]);
    expect(new Set(pages.flat()).size).toBe(MEMBERS);
    const odd = await v.get(`/admin?after=${encodeURIComponent('"><script>')}`);
    expect(odd.status).toBe(200);
    expect([...odd.text_.matchAll(/<tr><td>@([\w]+)/g)].map((m) => m[1])).toEqual(pages[0]);
  });

  it("still lists the join requests when the members cursor is one it never handed out", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const page = (await v.get("/g/club/members?after=nothing-like-this")).text_;
    expect(page).toContain("Waiting to join (3)");
    expect(page.match(/>Approve</g)?.length).toBe(3);
  });

  it("shows a long thread's replies a hundred at a time under its first post, the last page live", async () => {
    const root = await createPost(a.app.ctx, "root", { group: "crew", content: "Shift swap thread" });
    for (let i = 1; i <= 105; i++)
      await createPost(a.app.ctx, `worker${String((i % 55) + 1).padStart(2, "0")}`, { content: `Swap offer ${i}.`, inReplyTo: root.id });
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const offers = (page: string) => [...page.matchAll(/Swap offer (\d+)\./g)].map((m) => Number(m[1]));
    const first = (await v.get(`/p/${root.id}`)).text_;
    expect(first).toContain("Shift swap thread");
    expect(offers(first)).toHaveLength(100);
    expect(first).not.toContain("data-live=");
    const more = /href="([^"]+)" rel="next">More replies</.exec(first)![1]!.replace(/&amp;/g, "&");
    const second = (await v.get(more)).text_;
    expect(second).toContain("Shift swap thread");
    expect(new Set([...offers(first), ...offers(second)]).size).toBe(105);
    expect(offers(second)).toHaveLength(5);
    expect(second).toContain(`data-live="/p/${root.id}/_live"`);
    expect(second).not.toContain("More replies");
  }, 120_000);

  it("shows a few people per search, and all of them matching one link away", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const people = (page: string) => new Set([...page.matchAll(/<span class="person">.*?<a href="\/u\/(worker\d+)">/g)].map((m) => m[1]));
    const overview = (await v.get("/search?q=worker")).text_;
    expect(people(overview).size).toBe(10);
    const link = /<a href="([^"]+)" class="more">All people matching</.exec(overview)![1]!.replace(/&amp;/g, "&");
    expect(link).toBe("/search?q=worker&in=people");
    const everyone = (await v.get(link)).text_;
    expect(people(everyone).size).toBe(MEMBERS - 1);
    expect(everyone).not.toContain("All people matching");
    // An unknown kind is the overview again, not an error.
    expect(people((await v.get("/search?q=worker&in=secrets")).text_).size).toBe(10);
  });

  it("pages the idea board, keeping its sort and filter on the More link", async () => {
    for (let i = 1; i <= 53; i++) await proposeIdea(a.app.ctx, "root", "crew", { title: `Idea number ${i}`, content: "Why not." });
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const pages = await walk(v, "/g/crew/ideas?sort=momentum&status=open", "ideas", /<a href="\/ideas\/\d+">Idea number (\d+)<\/a>/g);
    expect(pages.map((p) => p.length)).toEqual([50, 3]);
    expect(new Set(pages.flat()).size).toBe(53);
    expect(v.lastUrl).toContain("sort=momentum");
    expect(v.lastUrl).toContain("status=open");
  }, 120_000);
});
