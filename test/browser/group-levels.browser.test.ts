// Reputation levels next to names, in Chromium: a member on instance B earns
// a level in a group hosted on A (an accepted answer), the home publishes it
// (test/federation/group-levels.test.ts covers who may say so), and B's group
// page shows it beside that member's name on their post, at desktop and phone
// width. axe-core finds no serious problem, and nothing is wider than the
// screen. Screenshot: group-level-badges.
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { eventually, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { describeInBrowser, expectNoSeriousA11yProblems, expectNoSidewaysScroll, openPage, SHOTS, signIn } from "../helpers/browser.ts";

let a: TestInstance;
let b: TestInstance;
let olga: TestUser;
let bea: TestUser;
let desk: Page;
let phone: Page;
const forum = () => encodeURIComponent(`@forum@${a.host}`);

describeInBrowser("reputation levels in a browser", (suite) => {
  beforeAll(async () => {
    // Levels are published at most once a second here (ten minutes by default).
    // Acme is the group's home, Globex bea's instance.
    a = await suite.instance({ levelsPublishMs: 1_000 });
    b = await suite.instance({ levelsPublishMs: 1_000 });
    olga = await a.user("olga");
    bea = await b.user("bea");
    await b.api(bea.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "Bea Brandt" });
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "forum", name: "Support forum", visibility: "public" })).status).toBe(201);
    await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${forum()}/join`);
    await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${forum()}`)).body.membership?.state === "accepted");
    // Bea answers Olga's question and the answer is accepted: a contributor at the home.
    const question = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "forum", kind: "question", content: "How do I export the ledger?" });
    const onB = await eventually(async () => {
      const listed = await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${forum()}/posts`);
      return listed.body.items?.find((p: { uri: string }) => p.uri === question.body.uri)?.id as string | undefined;
    });
    const answer = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onB, content: "Reports → Ledger → Export" });
    await eventually(
      async () => (await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${question.body.id}/accept`, { answer: answer.body.uri })).status === 200,
    );
    expect((await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: `@forum@${a.host}`, content: "Tip: exports can be scheduled" })).status).toBe(201);
    await eventually(async () => {
      const r = await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${forum()}/reputation`);
      return (r.body as Array<{ level: string; levelFrom: string }>).some((e) => e.level === "contributor" && e.levelFrom === "home");
    }, 90_000);
    desk = await openPage(suite.browser, 1280, { height: 900 });
    phone = await openPage(suite.browser, 360, { height: 780 });
    await signIn(desk, b.origin, "bea");
    await signIn(phone, b.origin, "bea");
  }, 300_000);

  it("shows the home's level beside the member's name on the group page", async () => {
    for (const page of [desk, phone]) {
      await page.goto(`${b.origin}/g/${forum()}`);
      const tip = page.locator("article.post", { hasText: "Tip: exports can be scheduled" }).first();
      await expect.poll(() => tip.locator(".level-badge").textContent(), { timeout: 30_000 }).toBe("Contributor");
      // The home is named as its organization, not as a second "Ecotone (localhost:…)".
      await expect.poll(() => page.locator("main").textContent(), { timeout: 30_000 }).toContain("a group of Acme");
      expect(await page.locator("main").textContent()).not.toMatch(/\(localhost:\d+\)/);
      // Beside the name: on the line of the post's header, not under it.
      const name = (await tip.getByRole("link", { name: "Bea Brandt" }).first().boundingBox())!;
      const badge = (await tip.locator(".level-badge").boundingBox())!;
      expect(badge.x).toBeGreaterThan(name.x);
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);
      if (page === desk) {
        await tip.evaluate((el) => el.scrollIntoView({ block: "center" }));
        await page.screenshot({ path: resolve(SHOTS, "group-level-badges.png") });
      }
    }
  }, 120_000);
});
