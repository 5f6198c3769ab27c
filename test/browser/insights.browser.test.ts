// The insight pages in Chromium at 1280 and 360 px, light and dark: the charts
// draw (server-side SVG), their tables and CSV hold the figures the group's
// activity gives, axe-core finds no serious problem, nothing is wider than a
// phone. The group's people come from Acme (local) and from two other
// companies whose copies the home holds. Screenshots go to docs/screenshots/.
import { type Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import type { TestInstance } from "../helpers/instances.ts";
import { describeInBrowser, expectNoSeriousA11yProblems, expectNoSidewaysScroll, shot } from "../helpers/browser.ts";

const PASSWORD = "correct horse battery staple";
let acme: TestInstance;

/** A person of another company, as the home holds them after their first activity. */
async function remotePerson(ctx: ServiceContext, domain: string, username: string): Promise<string> {
  const id = newId();
  await ctx.db
    .insertInto("actors")
    .values({
      id,
      uri: `https://${domain}/users/${username}`,
      type: "Person",
      username,
      domain,
      is_local: false,
      name: username,
      summary: null,
      url: null,
      icon_url: null,
      inbox_url: `https://${domain}/users/${username}/inbox`,
      shared_inbox_url: null,
      outbox_url: null,
      followers_url: null,
      following_url: null,
      raw: null,
      fetched_at: null,
      gone_at: null,
      header_url: null,
      fields: null,
    })
    .execute();
  return id;
}

async function remotePost(ctx: ServiceContext, authorId: string, groupId: string, content: string, at: Date, replyTo?: { uri: string; thread: string }) {
  const id = newId();
  const uri = `https://remote.example/posts/${id}`;
  await ctx.db
    .insertInto("posts")
    .values({
      id,
      uri,
      author_id: authorId,
      group_id: groupId,
      in_reply_to_uri: replyTo?.uri ?? null,
      thread_uri: replyTo?.thread ?? uri,
      type: "Note",
      title: null,
      content_html: `<p>${content}</p>`,
      source_text: null,
      summary: null,
      language: null,
      url: null,
      visibility: "public",
      is_local: false,
      published_at: at,
      edited_at: null,
      raw: null,
    })
    .execute();
  return { id, uri, thread: replyTo?.thread ?? uri };
}

describeInBrowser("insight pages in a browser", (suite) => {
  const signedIn = (username: string, width: number, colorScheme: "light" | "dark" = "light"): Promise<Page> =>
    suite.signedIn(acme.origin, username, width, { colorScheme });

  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "olga", password: PASSWORD, role: "admin", displayName: "Olga Otto" });
    await createUser(ctx, { username: "andy", password: PASSWORD, displayName: "Andy Arnold" });
    const group = await createGroup(ctx, "olga", { slug: "support", name: "Acme support", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "andy", "support");
    await ctx.db
      .insertInto("partners")
      .values([
        { domain: "initech.example", relationship: "customer" },
        { domain: "globex.example", relationship: "partner" },
      ])
      .execute();
    // The two companies' names, as the home learned them from their instances.
    await ctx.db
      .insertInto("organizations")
      .values([
        { domain: "initech.example", name: "Initech", fetched_at: new Date() },
        { domain: "globex.example", name: "Globex", fetched_at: new Date() },
      ])
      .execute();
    const customers = await Promise.all(["cara", "cid", "cole"].map((u) => remotePerson(ctx, "initech.example", u)));
    const partners = await Promise.all(["gus", "gia"].map((u) => remotePerson(ctx, "globex.example", u)));
    // Twelve days of questions from Initech; Globex answers two of three, Acme some.
    const day = 86_400_000;
    const start = Date.now() - 12 * day;
    for (let i = 0; i < 12; i++) {
      const at = new Date(start + i * day);
      const thread = await remotePost(ctx, customers[i % 3]!, group.id, `Question ${i + 1}`, at);
      if (i % 3 !== 2) await remotePost(ctx, partners[i % 2]!, group.id, "Try this", new Date(at.getTime() + (2 + i) * 3_600_000), thread);
      if (i % 4 === 0) await createPost(ctx, "andy", { inReplyTo: thread.id, content: "Acme here" });
    }
    await createPost(ctx, "andy", { group: "support", content: "Release notes for 4.2 are out" });
  }, 120_000);

  it("shows a group's insights with charts, tables and CSV, on a desktop", async () => {
    const page = await signedIn("olga", 1280);
    await page.goto(`${acme.origin}/groups/support/insights`);
    expect(await page.locator("h1").textContent()).toContain("Insights");
    expect(await page.locator("figure.chart svg").count()).toBeGreaterThanOrEqual(2);
    // 9 of the 13 threads have an answer from someone else (Globex 8, Acme alone 1): 69 %.
    await expect.poll(() => page.locator(".figures div", { hasText: "Answered" }).first().textContent()).toContain("69 %");
    // The group has two members: its answer rates by organization are not broken down (fewer than 5, docs/insights.md),
    // and the page says so where they would be, as it does for the contacts between organizations.
    expect(await page.locator("tr", { hasText: "Globex" }).count()).toBe(0);
    expect(await page.locator("p.withheld", { hasText: "Answer rates by organization and audience not shown: fewer than 5 members." }).count()).toBe(1);
    expect(await page.locator("p.withheld", { hasText: "Contacts between organizations not shown: fewer than 5 members." }).count()).toBe(1);
    const csv = await page.request.get(`${acme.origin}${await page.getByRole("link", { name: /Download these numbers/ }).getAttribute("href")}`);
    expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
    expect((await csv.text()).split("\r\n")[0]).toBe("period,key,posts,replies,likes,votes,ideas,joined,left,active");
    // What matters: Initech's three unanswered questions, oldest first.
    const unanswered = page.locator("h3:has-text('Customer questions without an answer') + ul li");
    expect(await unanswered.count()).toBe(3);
    // Unanswered threads name the asker's company, as the rest of the web does, not its domain.
    const threads = page.locator("h3:has-text('Unanswered threads') + ul li");
    expect(await threads.count()).toBeGreaterThan(0);
    expect(await threads.first().textContent()).toContain("from Initech (customer)");
    expect(await page.locator("h3:has-text('Unanswered threads') + ul", { hasText: "initech.example" }).count()).toBe(0);
    expect(await page.locator("h2", { hasText: "Trusted voices" }).count()).toBe(1);
    await expectNoSeriousA11yProblems(page);
    await shot(page, "insights-group");
    await page.goto(`${acme.origin}/groups/support/insights?by=organization&interval=week`);
    await expect.poll(() => page.locator("p.withheld", { hasText: "Split by organization not shown: fewer than 5 members." }).count()).toBe(1);
    await shot(page, "insights-group-split-withheld");
  }, 120_000);

  it("fits a phone and stays readable in dark mode", async () => {
    const page = await signedIn("olga", 360, "dark");
    await page.goto(`${acme.origin}/groups/support/insights`);
    await expectNoSidewaysScroll(page);
    await expectNoSeriousA11yProblems(page);
    await shot(page, "insights-group-phone-dark");
  }, 120_000);

  it("shows the instance's insights to admins only", async () => {
    const admin = await signedIn("olga", 1280);
    await admin.goto(`${acme.origin}/admin/insights`);
    expect(await admin.locator("h1").textContent()).toBe("Insights of this instance");
    await expectNoSeriousA11yProblems(admin);
    await shot(admin, "insights-admin");
    const member = await signedIn("andy", 360);
    const refused = await member.goto(`${acme.origin}/admin/insights`);
    expect(refused?.status()).toBe(403);
  }, 120_000);
});
