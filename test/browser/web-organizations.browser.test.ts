// People are shown with their organization's name, never their instance's
// domain: Acme's admin and Globex's planner (on a phone) work in one group,
// and Acme's pages name Gina "Globex" on her post, in the member list, in
// search and in the task's history in words ("Gina (Globex) moved it to Done").
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { cliActor } from "../../src/services/organizations/audit.service.ts";
import { setOwnOrganization } from "../../src/services/organizations/organization.service.ts";
import { expectFlash, expectNoSeriousA11yProblems, expectNoSidewaysScroll, findChromium, shot, SHOTS } from "../helpers/browser.ts";

const PASSWORD = "correct horse battery staple";
const executablePath = findChromium();

let browser: Browser;
let acme: TestInstance;
let globex: TestInstance;
let alice: Page; // Acme admin, desktop
let gina: Page; // Globex planner, a small phone

async function signIn(page: Page, instance: TestInstance, username: string) {
  await page.goto(`${instance.origin}/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${instance.origin}/`);
}

describe.skipIf(!executablePath)("people shown with their organization", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [acme, globex] = (await startInstances(2)) as [TestInstance, TestInstance];
    await setOwnOrganization(acme.app.ctx, cliActor(acme.app.ctx), { name: "Acme Corporation", shortName: "Acme" });
    await setOwnOrganization(globex.app.ctx, cliActor(globex.app.ctx), { name: "Globex Corporation", shortName: "Globex" });
    await createUser(acme.app.ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice" });
    await createUser(globex.app.ctx, { username: "gina", password: PASSWORD, displayName: "Gina" });
    browser = await chromium.launch({
      executablePath: executablePath!,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    alice = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    gina = await (await browser.newContext({ viewport: { width: 360, height: 780 } })).newPage();
    await signIn(alice, acme, "alice");
    await signIn(gina, globex, "gina");
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([acme?.close(), globex?.close()]);
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
