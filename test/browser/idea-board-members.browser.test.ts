// The idea board and the members list in Chromium, at desktop (1280) and phone
// (360) width: the board shows fifty ideas ranked by votes, "More ideas" the
// rest with the sort and filter kept and a way back to the first page; in the
// members list each person's role badge stays on their line (it used to wrap
// under them). axe-core finds no serious problem, and nothing is wider than
// the screen. Screenshots: idea-board-more, group-members-badges-360.
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { IDEA_BOARD_PAGE, proposeIdea, voteForIdea } from "../../src/services/ideas/idea.service.ts";
import { BROWSER_PASSWORD, describeInBrowser, expectNoSeriousA11yProblems, expectNoSidewaysScroll, openPage, SHOTS, signIn } from "../helpers/browser.ts";

const IDEAS = IDEA_BOARD_PAGE + 4;

let acme: TestInstance;
let desk: Page;
let phone: Page;

describeInBrowser("the idea board and the members list in a browser", (suite) => {
  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: BROWSER_PASSWORD, role: "admin", displayName: "Alice Arden" });
    await createUser(ctx, { username: "bob", password: BROWSER_PASSWORD, displayName: "Bob Baker" });
    await createUser(ctx, { username: "maximiliana", password: BROWSER_PASSWORD, displayName: "Maximiliana Featherstonehaugh-Wolfeschlegel" });
    await createGroup(ctx, "alice", { slug: "roadmap", name: "Product roadmap", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "bob", "roadmap");
    await joinGroup(ctx, "maximiliana", "roadmap");
    for (let i = 1; i <= IDEAS; i++) {
      const idea = await proposeIdea(ctx, "alice", "roadmap", { title: `Roadmap idea ${String(i).padStart(2, "0")}`, content: "Worth a vote." });
      // Ideas 1 and 2 lead the board; the rest have none.
      if (i <= 2) await voteForIdea(ctx, "bob", idea.post.id, true);
      if (i === 1) await voteForIdea(ctx, "maximiliana", idea.post.id, true);
    }
    desk = await openPage(suite.browser, 1280, { height: 900 });
    phone = await openPage(suite.browser, 360, { height: 780 });
    await signIn(desk, acme.origin, "alice");
    await signIn(phone, acme.origin, "bob");
  }, 300_000);

  const ideaLinks = (page: Page) => page.locator(".card.idea h2 a");

  it("pages the board by votes, keeps the filter on More, and leads back to the start", async () => {
    for (const page of [desk, phone]) {
      await page.goto(`${acme.origin}/g/roadmap/ideas?sort=top&status=open`);
      expect(await ideaLinks(page).count()).toBe(IDEA_BOARD_PAGE);
      expect(await ideaLinks(page).nth(0).textContent()).toBe("Roadmap idea 01");
      expect(await ideaLinks(page).nth(1).textContent()).toBe("Roadmap idea 02");
      expect(await page.locator(".card.idea .votes").nth(0).textContent()).toBe("2");
      expect(await page.getByRole("link", { name: /^Back to the start/ }).count()).toBe(0);
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);

      await page.getByRole("link", { name: "More ideas" }).click();
      await page.waitForURL(/after=/);
      expect(page.url()).toContain("status=open");
      expect(page.url()).toContain("sort=top");
      expect(await ideaLinks(page).count()).toBe(IDEAS - IDEA_BOARD_PAGE);
      expect(await page.getByRole("link", { name: "More ideas" }).count()).toBe(0);
      const back = page.getByRole("link", { name: /^Back to the start/ });
      await expect.poll(() => back.isVisible()).toBe(true);
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);
      if (page === desk) {
        await back.scrollIntoViewIfNeeded();
        await page.screenshot({ path: resolve(SHOTS, "idea-board-more.png") });
      }
      await back.click();
      await page.waitForURL((url) => !url.search.includes("after="));
      expect(page.url()).toContain("status=open");
      expect(await ideaLinks(page).nth(0).textContent()).toBe("Roadmap idea 01");
    }
  }, 180_000);

  it("keeps each role badge beside its person, at desktop and at 360 px", async () => {
    for (const page of [desk, phone]) {
      await page.goto(`${acme.origin}/g/roadmap/members`);
      const rows = page.locator("ul.member-list > li");
      expect(await rows.count()).toBe(3);
      for (let i = 0; i < 3; i++) {
        const row = rows.nth(i);
        const avatar = (await row.locator(".person .avatar, .person img, .person > :first-child").first().boundingBox())!;
        const badge = (await row.locator(".badge").last().boundingBox())!;
        // Beside the person: the badge starts to the right of the avatar and not below the row's first line.
        expect(badge.x, `row ${i}`).toBeGreaterThan(avatar.x + avatar.width);
        if (page === desk) expect(Math.abs(badge.y + badge.height / 2 - (avatar.y + avatar.height / 2)), `row ${i}`).toBeLessThan(avatar.height);
      }
      await expect.poll(() => rows.filter({ hasText: "Alice Arden" }).locator(".badge").last().textContent()).toBe("owner");
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);
      if (page === phone) await page.screenshot({ path: resolve(SHOTS, "group-members-badges-360.png") });
    }
  }, 120_000);
});
