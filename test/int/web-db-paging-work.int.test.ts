// The work lists read a page from the database, not every row (ADR 0056):
// my tasks, each column of a task board, the admin's reports, listed
// instances, partners and a thread's replies. Each is checked twice: the pages a person follows with "More"
// show every row once, in order, filters kept; and no query behind a page
// returns more rows than a page and one more — the test fails if a list
// goes back to reading every row and cutting it in memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { largestRead, observeQueries, type ObservedPage, type ObservedQuery } from "../helpers/query-rows.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createTask, setTaskStatus } from "../../src/services/tasks/task.service.ts";
import { fileReport } from "../../src/services/posts/report.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { allowHost } from "../../src/services/organizations/federation-policy.service.ts";
import { LIST_PAGE } from "../../src/web/list-page.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let observer: ReturnType<typeof observeQueries>;
const pad = (n: number) => String(n).padStart(3, "0");
const TASKS = LIST_PAGE + 6;
const DONE = 4;
const REPORT_PAGE = 20;
const REPORTS = REPORT_PAGE + 5;
const HOSTS = LIST_PAGE + 5;
// A thread shows its replies a hundred at a time; every tenth reply is direct (root's own), which paul may not read.
const THREAD_PAGE = 100;
const REPLIES = THREAD_PAGE + 15;
const hiddenReply = (i: number) => i % 10 === 9;
let threadId = "";

beforeAll(async () => {
  a = await startInstance();
  const ctx = a.app.ctx;
  await createUser(ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(ctx, { username: "paul", password: PASSWORD });
  await createGroup(ctx, "root", { slug: "works", name: "Works", visibility: "public", joinPolicy: "open" });
  await joinGroup(ctx, "paul", "works");
  // Half of paul's tasks have a due day (two per day), half none: the page boundary falls inside both kinds.
  for (let i = 0; i < TASKS; i++) {
    const due = i % 2 === 0 ? `2031-01-${String(1 + Math.floor(i / 4)).padStart(2, "0")}` : undefined;
    const task = await createTask(ctx, "root", "works", { title: `Task ${pad(i)}`, assignees: ["@paul"], due });
    if (i < DONE) await setTaskStatus(ctx, "root", (task as { id: string }).id, "done");
  }
  for (let i = 0; i < REPORTS; i++) {
    await createUser(ctx, { username: `user${pad(i)}` });
    await fileReport(ctx, `user${pad(i)}`, { target: "@paul", comment: `Report ${pad(i)}` });
  }
  for (let i = 0; i < HOSTS; i++) await allowHost(ctx, `peer${pad(i)}.example`);
  threadId = (await createPost(ctx, "root", { content: "Opening the thread" })).id;
  for (let i = 0; i < REPLIES; i++) {
    await createPost(ctx, "root", { inReplyTo: threadId, content: `Reply ${pad(i)}`, visibility: hiddenReply(i) ? "direct" : "public" });
  }
  observer = observeQueries(a);
}, 300_000);

afterAll(async () => {
  await a?.close();
});

/** Follows the "More …" link (`more`) from `path`; each page's rows as `row` matches them, and the largest read behind each page. */
async function allPages(v: Visitor, path: string, row: RegExp, more: string, scope: (page: string) => string = (p) => p, part?: string) {
  const pages: string[][] = [];
  const reads: ObservedQuery[] = [];
  let next: string | null = path;
  while (next && pages.length < 10) {
    const page: ObservedPage = await observer.page(v, next);
    expect(page.status).toBe(200);
    pages.push([...scope(page.html).matchAll(row)].map((m) => m[1]!));
    reads.push(largestRead(page, part));
    next = new RegExp(`<a class="button secondary" href="([^"]+)" rel="next">${more}<`).exec(scope(page.html))?.[1]?.replaceAll("&amp;", "&") ?? null;
  }
  return { pages, reads };
}

/** The first page's largest read is its list's query (a page and the one row that says there is more); no page reads more. */
function expectPageReads(reads: ObservedQuery[], size: number): void {
  expect(reads[0]!.rows, reads[0]!.sql).toBe(size + 1);
  for (const read of reads) expect(read.rows, read.sql).toBeLessThanOrEqual(size + 1);
}

const column = (status: string) => (page: string) => {
  const start = page.indexOf(`data-status="${status}"`);
  return page.slice(start, page.indexOf("</section>", start));
};

describe("work lists paged in the database", () => {
  it("pages my tasks, soonest due first, undated last, each task once, reading at most a page and one more", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const { pages, reads } = await allPages(v, "/me/tasks", /<a href="\/tasks\/\d+">Task (\d{3})</g, "More tasks");
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, TASKS - LIST_PAGE]);
    const dated = Array.from({ length: TASKS }, (_, i) => i).filter((i) => i % 2 === 0);
    // Within a day and among the undated, newest first.
    const byDay = [...dated].sort((x, y) => Math.floor(x / 4) - Math.floor(y / 4) || y - x);
    const undated = Array.from({ length: TASKS }, (_, i) => i)
      .filter((i) => i % 2 === 1)
      .reverse();
    expect(pages.flat()).toEqual([...byDay, ...undated].map(pad));
    expectPageReads(reads, LIST_PAGE);
  });

  it("keeps the overdue filter across pages of my tasks", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    // Nothing is overdue (due in 2031): the filter must not fall back to every task.
    const page = await observer.page(v, "/me/tasks?overdue=true");
    expect(page.html).toContain("Nothing assigned to you.");
  });

  it("pages each board column on its own, the others staying on their first page", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const first = await observer.page(v, "/g/works/tasks");
    expect(first.html).toContain(`Open (${TASKS - DONE})`);
    expect(first.html).toContain(`Done (${DONE})`);
    // A board reads a page per column; the people on its cards are read for all columns at once.
    expectPageReads([largestRead(first, 'from "tasks"')], LIST_PAGE);
    const { pages, reads } = await allPages(v, "/g/works/tasks", /<a href="\/tasks\/\d+"[^>]*>Task (\d{3})</g, "More in Open", column("open"), 'from "tasks"');
    expect(pages.map((p) => p.length)).toEqual([LIST_PAGE, TASKS - DONE - LIST_PAGE]);
    // Newest first; the first DONE tasks moved to Done.
    expect(pages.flat()).toEqual(Array.from({ length: TASKS - DONE }, (_, i) => pad(TASKS - 1 - i)));
    expectPageReads(reads, LIST_PAGE);
    const second = await observer.page(v, `/g/works/tasks?after_open=${/after_open=(\d+)/.exec(first.html)![1]}`);
    expect([...column("done")(second.html).matchAll(/>Task (\d{3})</g)].map((m) => m[1])).toEqual(["003", "002", "001", "000"]);
  });

  it("pages the admin's reports newest first and the listed instances by name", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const reports = await allPages(v, "/admin/reports", /<p>Report (\d{3})<\/p>/g, "More reports");
    expect(reports.pages.map((p) => p.length)).toEqual([REPORT_PAGE, REPORTS - REPORT_PAGE]);
    expect(reports.pages.flat()).toEqual(Array.from({ length: REPORTS }, (_, i) => pad(REPORTS - 1 - i)));
    expectPageReads(reports.reads, REPORT_PAGE);

    const hosts = await allPages(v, "/admin/federation", /<tr><td>peer(\d{3})\.example<\/td>/g, "More instances");
    expect(hosts.pages.map((p) => p.length)).toEqual([LIST_PAGE, HOSTS - LIST_PAGE]);
    expect(hosts.pages.flat()).toEqual(Array.from({ length: HOSTS }, (_, i) => pad(i)));
    expectPageReads(hosts.reads, LIST_PAGE);
  });

  it("pages the partners (every organization known or listed) by domain", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    // The listed instances are the organizations this one knows of here.
    const partners = await allPages(v, "/admin/partners", /<span class="muted">peer(\d{3})\.example<\/span>/g, "More organizations", (p) => p, " union ");
    expect(partners.pages.map((p) => p.length)).toEqual([LIST_PAGE, HOSTS - LIST_PAGE]);
    expect(partners.pages.flat()).toEqual(Array.from({ length: HOSTS }, (_, i) => pad(i)));
    expectPageReads(partners.reads, LIST_PAGE);
  });

  it("pages a thread's replies, refilled past the ones a reader may not see, the first post on every page", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const { pages, reads } = await allPages(v, `/p/${threadId}`, /<p>Reply (\d{3})<\/p>/g, "More replies", (p) => p, 'from "posts"');
    const visible = Array.from({ length: REPLIES }, (_, i) => i).filter((i) => !hiddenReply(i));
    expect(pages.map((p) => p.length)).toEqual([THREAD_PAGE, visible.length - THREAD_PAGE]);
    expect(pages.flat()).toEqual(visible.map(pad));
    for (const read of reads) expect(read.rows, read.sql).toBeLessThanOrEqual(THREAD_PAGE + 1);
    const second = await observer.page(v, `/p/${threadId}?after=${/after=(\d+)/.exec((await observer.page(v, `/p/${threadId}`)).html)![1]}`);
    expect(second.html).toContain("Opening the thread");
  });

  it("a cursor we could not have handed out starts my tasks over, and the stored tasks are untouched", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    for (const cursor of ["%27%20or%201=1--", "2031-01-01.1", "none.x"]) {
      const page = await observer.page(v, `/me/tasks?after=${cursor}`);
      expect(page.status).toBe(200);
      expect([...page.html.matchAll(/>Task (\d{3})</g)].length).toBe(LIST_PAGE);
    }
  });
});
