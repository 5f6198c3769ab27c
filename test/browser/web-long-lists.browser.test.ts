// Long lists in Chromium, at desktop (1280) and phone (360) width: a task
// board whose Open column holds more than a page shows "More in Open" in that
// column only, and following it shows the rest of Open while Done stays as
// it was; my tasks pages with "More tasks". axe-core finds no serious
// problem, and nothing is wider than the screen. Screenshot: task-board-more.
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createTask, setTaskStatus } from "../../src/services/tasks/task.service.ts";
import { LIST_PAGE } from "../../src/web/list-page.ts";
import { BROWSER_PASSWORD, describeInBrowser, expectNoSeriousA11yProblems, expectNoSidewaysScroll, openPage, SHOTS, signIn } from "../helpers/browser.ts";

const OPEN = LIST_PAGE + 3;

let acme: TestInstance;
let desk: Page;
let phone: Page;

describeInBrowser("long lists in a browser", (suite) => {
  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: BROWSER_PASSWORD, role: "admin", displayName: "Alice Arden" });
    await createUser(ctx, { username: "bob", password: BROWSER_PASSWORD, displayName: "Bob Baker" });
    await createGroup(ctx, "alice", { slug: "launch", name: "Spring launch", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "bob", "launch");
    for (let i = 0; i < OPEN + 2; i++) {
      const task = await createTask(ctx, "alice", "launch", { title: `Stand ${String(i).padStart(2, "0")}`, assignees: ["@bob"] });
      if (i < 2) await setTaskStatus(ctx, "alice", (task as { id: string }).id, "done");
    }
    desk = await openPage(suite.browser, 1280, { height: 900 });
    phone = await openPage(suite.browser, 360, { height: 780 });
    await signIn(desk, acme.origin, "alice");
    await signIn(phone, acme.origin, "bob");
  }, 300_000);

  const column = (page: Page, status: string) => page.locator(`section[data-status="${status}"]`);

  it("pages the Open column on its own, Done staying put, at desktop and phone width", async () => {
    for (const page of [desk, phone]) {
      await page.goto(`${acme.origin}/g/launch/tasks`);
      await expect.poll(() => column(page, "open").locator("h2").textContent()).toBe(`Open (${OPEN})`);
      expect(
        await column(page, "open")
          .getByRole("link", { name: /^Stand / })
          .count(),
      ).toBe(LIST_PAGE);
      expect(
        await column(page, "done")
          .getByRole("link", { name: /^Stand / })
          .count(),
      ).toBe(2);
      expect(await page.getByRole("link", { name: "More in Done" }).count()).toBe(0);
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);
      const more = column(page, "open").getByRole("link", { name: "More in Open" });
      if (page === desk) {
        // What one sees at the column's end: the viewport, not the whole 50-card page.
        await more.scrollIntoViewIfNeeded();
        await desk.screenshot({ path: resolve(SHOTS, "task-board-more.png") });
      }
      await more.click();
      await expect
        .poll(() =>
          column(page, "open")
            .getByRole("link", { name: /^Stand / })
            .allTextContents(),
        )
        .toEqual(["Stand 02", "Stand 03", "Stand 04"].reverse());
      expect(
        await column(page, "done")
          .getByRole("link", { name: /^Stand / })
          .allTextContents(),
      ).toEqual(["Stand 01", "Stand 00"]);
      await expectNoSeriousA11yProblems(page);
      await expectNoSidewaysScroll(page);
    }
  });

  it("pages my tasks with More tasks on a phone", async () => {
    await phone.goto(`${acme.origin}/me/tasks`);
    await expect.poll(() => phone.getByRole("link", { name: /^Stand / }).count()).toBe(LIST_PAGE);
    await expectNoSidewaysScroll(phone);
    await phone.getByRole("link", { name: "More tasks" }).click();
    await expect.poll(() => phone.getByRole("link", { name: /^Stand / }).count()).toBe(OPEN + 2 - LIST_PAGE);
    await expectNoSeriousA11yProblems(phone);
    await expectNoSidewaysScroll(phone);
  });
});
