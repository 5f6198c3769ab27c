// The idea board is read a page at a time from stored scores (ADR 0116):
// following "More" shows every idea once, in rank order, with the sort and
// the status filter kept; no query behind a page returns more than a page and
// one row; only members' votes count, and a vote stops counting when its voter
// leaves (and counts again when they rejoin).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { largestRead, observeQueries } from "../helpers/query-rows.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup, leaveGroup } from "../../src/services/groups/group.service.ts";
import { answerIdea, IDEA_BOARD_PAGE, proposeIdea, voteForIdea } from "../../src/services/ideas/idea.service.ts";
import { likePost } from "../../src/services/posts/post.service.ts";
import { momentum, risingScore } from "../../src/domain/idea.rules.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let observer: ReturnType<typeof observeQueries>;
let api: TestUser;
const IDEAS = IDEA_BOARD_PAGE + 6;
const VOTERS = ["vic1", "vic2", "vic3", "vic4", "vic5"];
/** Idea n (1-based) gets n % 6 votes, from the first voters. */
const votesOf = (n: number) => n % 6;
const ids: string[] = [];

beforeAll(async () => {
  a = await startInstance();
  const ctx = a.app.ctx;
  await createUser(ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(ctx, { username: "outsider" });
  await createGroup(ctx, "root", { slug: "crew", name: "Crew", visibility: "public", joinPolicy: "open" });
  for (const v of VOTERS) {
    await createUser(ctx, { username: v });
    await joinGroup(ctx, v, "crew");
  }
  for (let n = 1; n <= IDEAS; n++) {
    const idea = await proposeIdea(ctx, "root", "crew", { title: `Idea number ${n}`, content: "Why not." });
    ids.push(idea.post.id);
    for (const v of VOTERS.slice(0, votesOf(n))) await voteForIdea(ctx, v, idea.post.id, true);
  }
  // Two answered ideas, for the status filter.
  await answerIdea(ctx, "root", ids[0]!, { status: "planned" });
  await answerIdea(ctx, "root", ids[1]!, { status: "planned" });
  api = await a.user("reader");
  await joinGroup(ctx, "reader", "crew");
  observer = observeQueries(a);
}, 300_000);

afterAll(async () => {
  await a?.close();
});

const titleRow = /<a href="\/ideas\/(\d+)">Idea number \d+<\/a>/g;

/** Follows "More ideas" from `path`: the ids on each page, and the largest read of the ideas table behind each. */
async function walk(v: Visitor, path: string) {
  const pages: string[][] = [];
  const reads: number[] = [];
  let next: string | null = path;
  let last = "";
  while (next && pages.length < 10) {
    const page = await observer.page(v, next);
    expect(page.status).toBe(200);
    pages.push([...page.html.matchAll(titleRow)].map((m) => m[1]!));
    reads.push(largestRead(page, `from "ideas"`).rows);
    last = next;
    next = /<a class="button secondary" href="([^"]+)" rel="next">More ideas</.exec(page.html)?.[1]?.replaceAll("&amp;", "&") ?? null;
  }
  return { pages, reads, last };
}

/** The expected rank by votes: most first, the newer idea first on a tie. */
function byVotes(idsWithVotes: Array<{ id: string; votes: number }>): string[] {
  return [...idsWithVotes].sort((x, y) => y.votes - x.votes || (x.id < y.id ? 1 : -1)).map((i) => i.id);
}

describe("the idea board in pages", () => {
  it("ranks by votes over pages, each idea once, reading a page and one row", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const { pages, reads } = await walk(v, "/g/crew/ideas?sort=top");
    expect(pages.map((p) => p.length)).toEqual([IDEA_BOARD_PAGE, IDEAS - IDEA_BOARD_PAGE]);
    expect(pages.flat()).toEqual(byVotes(ids.map((id, i) => ({ id, votes: votesOf(i + 1) }))));
    expect(reads[0]).toBe(IDEA_BOARD_PAGE + 1);
    for (const rows of reads) expect(rows).toBeLessThanOrEqual(IDEA_BOARD_PAGE + 1);
  });

  it("ranks by momentum over pages as the momentum of the votes' times says, keeping sort and status", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const { pages, reads, last } = await walk(v, "/g/crew/ideas?sort=momentum&status=open");
    expect(pages.map((p) => p.length)).toEqual([IDEA_BOARD_PAGE, IDEAS - 2 - IDEA_BOARD_PAGE]);
    expect(last).toContain("sort=momentum");
    expect(last).toContain("status=open");
    expect(pages.flat()).not.toContain(ids[0]);
    expect(reads[0]).toBe(IDEA_BOARD_PAGE + 1);
    // The order is that of momentum computed from the votes' own times.
    const likes = await a.app.ctx.db.selectFrom("likes").select(["post_id", "created_at"]).execute();
    const now = new Date();
    const score = (id: string) =>
      momentum(
        likes.filter((l) => l.post_id === id).map((l) => l.created_at),
        now,
      );
    const shown = pages.flat();
    for (let i = 1; i < shown.length; i++) expect(score(shown[i - 1]!)).toBeGreaterThanOrEqual(score(shown[i]!) - 1e-9);
    // The score the database keeps is the one the rule computes from those times
    // (to the millisecond the times are read back in: PostgreSQL keeps microseconds).
    const stored = await a.app.ctx.db.selectFrom("ideas").select(["post_id", "rising"]).where("post_id", "=", shown[0]!).executeTakeFirstOrThrow();
    expect(stored.rising).toBeCloseTo(risingScore(likes.filter((l) => l.post_id === shown[0]).map((l) => l.created_at)), 6);
  });

  it("pages the API too, and refuses a cursor it never handed out without changing anything", async () => {
    const first = await a.api(api.token, "GET", "/api/ecotone/v1/groups/crew/ideas?status=open");
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(IDEA_BOARD_PAGE);
    expect(first.body.next).toMatch(/^\d+_\d+$/);
    const second = await a.api(api.token, "GET", `/api/ecotone/v1/groups/crew/ideas?status=open&after=${first.body.next}`);
    expect(second.body.items).toHaveLength(IDEAS - 2 - IDEA_BOARD_PAGE);
    expect(second.body.next).toBeNull();
    const bad = await a.api(api.token, "GET", "/api/ecotone/v1/groups/crew/ideas?after=drop%20table");
    expect(bad.status).toBe(422);
    const badStatus = await a.api(api.token, "GET", "/api/ecotone/v1/groups/crew/ideas?status=lost");
    expect(badStatus.status).toBe(422);
    const again = await a.api(api.token, "GET", "/api/ecotone/v1/groups/crew/ideas?status=open");
    expect(again.body.items.map((i: { id: string }) => i.id)).toEqual(first.body.items.map((i: { id: string }) => i.id));
  });

  it("counts only members' votes: a vote leaves with its voter and comes back when they rejoin", async () => {
    const ctx = a.app.ctx;
    const idea = ids[IDEAS - 1]!; // idea 56: 56 % 6 = 2 votes (vic1, vic2)
    const board = async () => (await a.api(api.token, "GET", "/api/ecotone/v1/groups/crew/ideas?sort=top")).body.items as Array<{ id: string; votes: number }>;
    const votesNow = async () => (await board()).find((i) => i.id === idea)?.votes;
    const stored = async () => (await ctx.db.selectFrom("ideas").select("votes").where("post_id", "=", idea).executeTakeFirstOrThrow()).votes;
    expect(await votesNow()).toBe(2);
    // Someone outside the group likes the idea's post (as a Mastodon favourite): no vote.
    await likePost(ctx, "outsider", idea);
    expect(await stored()).toBe(2);
    await leaveGroup(ctx, "vic1", "crew");
    expect(await stored()).toBe(1);
    expect(await votesNow()).toBe(1);
    const single = await a.api(api.token, "GET", `/api/ecotone/v1/ideas/${idea}`);
    expect(single.body.votes).toBe(1);
    await joinGroup(ctx, "vic1", "crew");
    expect(await stored()).toBe(2);
    // Withdrawing a vote takes it off the board at once; five votes put the idea first.
    await voteForIdea(ctx, "vic2", idea, false);
    expect(await votesNow()).toBe(1);
    for (const v of ["vic2", "vic3", "vic4", "vic5"]) await voteForIdea(ctx, v, idea, true);
    expect((await board())[0]).toMatchObject({ id: idea, votes: 5 });
  });
});
