// People are shown with their organization's name, never their instance's
// domain: Acme's admin and Globex's planner (on a phone) work in one group,
// and Acme's pages name Gina "Globex" on her post, in the member list, in
// search and in the task's history in words ("Gina (Globex) moved it to Done").
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { cliActor } from "../../src/services/organizations/audit.service.ts";
import { setOwnOrganization } from "../../src/services/organizations/organization.service.ts";
import {
  BROWSER_PASSWORD,
  describeInBrowser,
  expectFlash,
  expectNoSeriousA11yProblems,
  expectNoSidewaysScroll,
  openPage,
  shot,
  signIn,
} from "../helpers/browser.ts";

const PASSWORD = BROWSER_PASSWORD;

let acme: TestInstance;
let globex: TestInstance;
let alice: Page; // Acme admin, desktop
let gina: Page; // Globex planner, a small phone

describeInBrowser("people shown with their organization", (suite) => {
  beforeAll(async () => {
    [acme, globex] = [await suite.instance(), await suite.instance()];
    await setOwnOrganization(acme.app.ctx, cliActor(acme.app.ctx), { name: "Acme Corporation", shortName: "Acme" });
    await setOwnOrganization(globex.app.ctx, cliActor(globex.app.ctx), { name: "Globex Corporation", shortName: "Globex" });
    await createUser(acme.app.ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice" });
    await createUser(globex.app.ctx, { username: "gina", password: PASSWORD, displayName: "Gina" });
    alice = await openPage(suite.browser, 1280, { height: 900 });
    gina = await openPage(suite.browser, 360, { height: 780 });
    await signIn(alice, acme.origin, "alice");
    await signIn(gina, globex.origin, "gina");
  });

  it("names Gina's company on her post and in the member list, not her instance's domain", async () => {
    await alice.goto(`${acme.origin}/groups`);
    await alice.getByLabel("Handle").fill("rollout");
    await alice.getByLabel("Name", { exact: true }).fill("Rollout");
    await alice.getByRole("button", { name: "Create group" }).click();
    await expectFlash(alice, "Group @rollout created");

    await gina.goto(`${globex.origin}/groups`);
    await gina.getByLabel("Find a group on another instance").fill(`@rollout@${acme.host}`);
    await gina.getByRole("button", { name: "Find" }).click();
    await gina.getByRole("button", { name: "Join" }).click();
    await expect
      .poll(
        async () => {
          await gina.reload();
          return gina.getByLabel("Write in this group").count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    // Her own sidebar files the group under the company that holds it.
    await expect.poll(async () => gina.locator("aside.sidebar h2").allTextContents()).toContain("Acme");
    await gina.getByLabel("Write in this group").fill("Pilot sites confirmed for Monday.");
    await gina.getByRole("button", { name: "Post" }).click();
    await expectFlash(gina, "Posted");
    await expectNoSidewaysScroll(gina);

    // Acme learns Globex's name from Globex itself (in the background, the first time it meets it).
    await expect
      .poll(
        async () => {
          await alice.goto(`${acme.origin}/g/rollout`);
          return alice.locator("article.post", { hasText: "Pilot sites confirmed" }).locator(".org").textContent();
        },
        { timeout: 20_000 },
      )
      .toBe("Globex");
    expect(await alice.locator("article.post", { hasText: "Pilot sites confirmed" }).locator("header").textContent()).not.toContain(globex.host);
    await shot(alice, "post-with-organization");

    await alice.goto(`${acme.origin}/g/rollout/members`);
    const line = (name: string) => alice.locator("li", { has: alice.getByRole("link", { name, exact: true }) }).locator(".org");
    expect(await line("Gina").textContent()).toBe("Globex");
    expect(await line("Alice").textContent()).toBe("Acme");
    expect(await line("Gina").getAttribute("title")).toBe(`Globex Corporation (${globex.host})`);
    await expectNoSeriousA11yProblems(alice);

    await alice.goto(`${acme.origin}/search?q=Gina`);
    await expect.poll(async () => alice.locator("li", { hasText: "Gina" }).locator(".org").first().textContent()).toBe("Globex");
  });

  it("shows our company's name and then its logo in the top bar, on a desktop and on a phone", async () => {
    await alice.goto(`${acme.origin}/`);
    expect(await alice.locator(".topbar .brand").textContent()).toBe("Acme");
    expect(await alice.locator(".topbar .brand").getAttribute("aria-label")).toBe("Acme: home");
    await gina.goto(`${globex.origin}/`);
    expect(await gina.locator(".topbar .brand").getAttribute("aria-label")).toBe("Globex: home");

    const logo = `${acme.origin}/assets/icon.svg`;
    await setOwnOrganization(acme.app.ctx, cliActor(acme.app.ctx), { name: "Acme Corporation", shortName: "Acme", logoUrl: logo });
    await alice.reload();
    expect(await alice.locator(".topbar .brand img.brand-logo").getAttribute("src")).toBe(logo);
    expect(await alice.locator(".topbar .brand").textContent()).toBe("Acme");
    await expectNoSeriousA11yProblems(alice);
    const phone = await openPage(suite.browser, 360, { height: 780 });
    await signIn(phone, acme.origin, "alice");
    expect(await phone.locator(".topbar .brand img.brand-logo").isVisible()).toBe(true);
    await expectNoSidewaysScroll(phone);
    await shot(phone, "brand-logo-phone");
    await phone.context().close();
  });

  it("tells a task's history in words with the company of whoever did it", async () => {
    await alice.goto(`${acme.origin}/g/rollout/tasks`);
    await alice.getByLabel("Title").fill("Book the trainers");
    await alice.getByLabel("Assign to").fill(`@gina@${globex.host}`);
    await alice.getByRole("button", { name: "Open task" }).click();
    await expectFlash(alice, "Task opened");

    await expect
      .poll(
        async () => {
          await gina.goto(`${globex.origin}/me/tasks`);
          return gina.getByRole("link", { name: "Book the trainers" }).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await gina.getByRole("link", { name: "Book the trainers" }).click();
    // On Globex's side the task is held by Acme, by name.
    await gina.getByText("held by Acme").waitFor();
    await gina.getByRole("button", { name: "Accept" }).click();
    await expectFlash(gina, "You accepted the task");
    await gina.getByLabel("Status").selectOption("done");
    await gina.getByRole("button", { name: "Move" }).click();
    await expectFlash(gina, `Move sent to ${acme.host}`);
    await expectNoSidewaysScroll(gina);

    await expect
      .poll(
        async () => {
          await alice.goto(`${acme.origin}/g/rollout/tasks`);
          await alice.getByRole("link", { name: "Book the trainers" }).click();
          return alice.locator("ol.history").textContent();
        },
        { timeout: 20_000 },
      )
      .toContain("Gina (Globex) moved it to Done");
    expect(await alice.locator("ol.history").textContent()).toContain("Alice asked Gina (Globex) to take it");
    expect(await alice.locator("main").textContent()).not.toContain(`(${globex.host})`);
    // The group's notes for other servers (raw handles) are not shown as comments: the history says it.
    expect(await alice.locator('section[aria-label="Comments"]').textContent()).toContain("No comments yet.");
    await shot(alice, "task-history-with-organizations");
    await expectNoSeriousA11yProblems(alice);
  });
});
