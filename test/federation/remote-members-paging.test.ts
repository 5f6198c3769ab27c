// A group's member list, paged across two instances (ADR 0116): the home
// serves its members collection in pages (OrderedCollection with `first`,
// pages with `next`, each read from the database as a page and one row); the
// member instance reads only the page it shows and follows `next` for
// "More members", always from the home's own server. A home whose page says
// it is another server's, or points `next` elsewhere, is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";
import { largestRead, observeQueries } from "../helpers/query-rows.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { joinGroup } from "../../src/services/groups/group.service.ts";
import type { RemoteCollectionPage } from "../../src/services/context.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let bea: TestUser;
const HOME_PAGE = 40; // the home's collection page (collections.dispatcher.ts)
const LOCALS = 44; // with olga: 45 on the home, and bea from B
const group = () => encodeURIComponent(`@crowd@${a.host}`);
const pagesRead: Array<{ page: string | null; items: number }> = [];

beforeAll(async () => {
  a = await startInstance();
  b = await startInstance();
  peer = await startHostilePeer();
  olga = await a.user("olga");
  bea = await b.user("bea");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "crowd", name: "Crowd", visibility: "public" })).status).toBe(201);
  for (let i = 0; i < LOCALS; i++) {
    const username = `local${String(i).padStart(2, "0")}`;
    await createUser(a.app.ctx, { username });
    await joinGroup(a.app.ctx, username, "crowd");
  }
  await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
  // Record each page B reads of a home's collection (the real fetch, passed through).
  const remote = b.app.ctx.remote!;
  const fetchPage = remote.fetchCollectionPage!.bind(remote);
  remote.fetchCollectionPage = async (url: string, page: string | null): Promise<RemoteCollectionPage> => {
    const read = await fetchPage(url, page);
    pagesRead.push({ page, items: read.ids.length });
    return read;
  };
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("a remote group's member list in pages", () => {
  it("is served by the home in pages, each read as a page and one row", async () => {
    const observer = observeQueries(a);
    const fetchJson = async (url: string) => {
      const page = await observer.get(new URL(url).pathname + new URL(url).search, { accept: "application/activity+json" });
      expect(page.status).toBe(200);
      return { doc: JSON.parse(page.html), largest: largestRead(page, `from "follows"`).rows };
    };
    const collection = (await fetchJson(`${a.origin}/users/crowd/followers`)).doc;
    expect(collection.type).toBe("OrderedCollection");
    expect(collection.totalItems).toBe(LOCALS + 2);
    expect(collection.orderedItems).toBeUndefined();
    const first = await fetchJson(collection.first);
    expect(first.doc.type).toBe("OrderedCollectionPage");
    expect(first.doc.orderedItems).toHaveLength(HOME_PAGE);
    expect(first.largest).toBe(HOME_PAGE + 1);
    const second = await fetchJson(first.doc.next);
    expect(second.doc.orderedItems).toHaveLength(LOCALS + 2 - HOME_PAGE);
    expect(second.doc.next).toBeUndefined();
    expect(second.largest).toBeLessThanOrEqual(HOME_PAGE + 1);
    expect(new Set([...first.doc.orderedItems, ...second.doc.orderedItems]).size).toBe(LOCALS + 2);
  });

  it("shows on the member instance one page of the home's at a time, everyone once", async () => {
    const web = new WebVisitor(b.origin);
    await web.signIn("bea", "correct horse battery staple");
    const names: string[][] = [];
    let next: string | null = `/g/${group()}/members`;
    let back: string | null = null;
    while (next && names.length < 5) {
      const html: string = (await web.get(next)).text_;
      expect(html).toContain(`Members (${LOCALS + 2})`);
      names.push([...html.matchAll(/<a href="\/u\/[^"]+">([^<]+)<\/a> <span class="muted">@/g)].map((m) => m[1]!));
      back = /href="([^"]+)" rel="first"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? back;
      next = /href="([^"]+)" rel="next">More members</.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? null;
    }
    expect(names.map((n) => n.length)).toEqual([HOME_PAGE, LOCALS + 2 - HOME_PAGE]);
    expect(new Set(names.flat()).size).toBe(LOCALS + 2);
    // Each view read one page: the first, then the one `next` named; never the whole list.
    const reads = pagesRead.slice(-2);
    expect(reads.map((r) => r.items)).toEqual([HOME_PAGE, LOCALS + 2 - HOME_PAGE]);
    expect(reads[0]!.page).toBeNull();
    expect(reads[1]!.page).toMatch(new RegExp(`^${a.origin}/users/crowd/followers\\?cursor=`));
    // The last page leads back to the first.
    expect(back).toBe(`/g/${group()}/members`);
  });

  it("starts over from the home's first page on a cursor that would lead elsewhere", async () => {
    const web = new WebVisitor(b.origin);
    await web.signIn("bea", "correct horse battery staple");
    const elsewhere = Buffer.from(`//${peer.host}/groups/crowd/followers`).toString("base64url");
    const html = (await web.get(`/g/${group()}/members?after=${elsewhere}`)).text_;
    expect(pagesRead.at(-1)!.page).toBeNull();
    expect(html).toContain("More members");
    expect(peer.hits.filter((h) => h.path.includes("followers"))).toHaveLength(0);
  });

  it("refuses a page that names itself another server's, or a next page elsewhere", async () => {
    const collection = `${peer.origin}/groups/g/followers`;
    peer.serve("/groups/g/followers", {
      "@context": AS_CONTEXT,
      id: collection,
      type: "OrderedCollection",
      totalItems: 1,
      first: `${peer.origin}/groups/g/page1`,
    });
    peer.serve("/groups/g/page1", {
      "@context": AS_CONTEXT,
      id: "http://other.example/groups/g/page1",
      type: "OrderedCollectionPage",
      orderedItems: [`${peer.origin}/users/x`],
    });
    await expect(b.app.ctx.remote!.fetchCollectionPage!(collection, null)).rejects.toThrow(/another server/);
    const sneaky = `${peer.origin}/groups/s/followers`;
    peer.serve("/groups/s/followers", {
      "@context": AS_CONTEXT,
      id: sneaky,
      type: "OrderedCollection",
      first: { type: "OrderedCollectionPage", orderedItems: [], next: "http://other.example/followers?page=2" },
    });
    await expect(b.app.ctx.remote!.fetchCollectionPage!(sneaky, null)).rejects.toThrow(/another server/);
  });
});
