// Long lists in the web interface come in pages with a "More" link that
// continues after the last one shown: a group's members (and its join
// requests, paged apart) and the admin's list of people. Following the links
// shows everyone once; a cursor that is not one we hand out starts over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/group.service.ts";
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
});
