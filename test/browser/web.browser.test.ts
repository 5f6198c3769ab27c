// The web interface in a real browser (Debian's Chromium through
// playwright-core), across two instances: Acme's admin signs in and starts a
// group; a Globex planner on the second instance asks to join, is approved
// and posts — the post appears in Acme's open page without a reload; a task
// assigned across instances is accepted and done; an idea gets a vote from
// Globex and an answer from Acme. Screenshots go to docs/screenshots/, and
// axe-core checks the main pages for serious accessibility problems.
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { setOwnOrganization } from "../../src/services/organizations/organization.service.ts";
import { cliActor } from "../../src/services/organizations/audit.service.ts";
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
let alice: Page; // Acme admin
let gina: Page; // Globex planner

describeInBrowser("the web interface in a browser", (suite) => {
  beforeAll(async () => {
    [acme, globex] = [await suite.instance(), await suite.instance()];
    // Each instance is its company: the chip beside a name and "Gina (Globex)" in running text both come from it.
    await setOwnOrganization(acme.app.ctx, cliActor(acme.app.ctx), { name: "Acme Corporation", shortName: "Acme" });
    await setOwnOrganization(globex.app.ctx, cliActor(globex.app.ctx), { name: "Globex Corporation", shortName: "Globex" });
    await createUser(acme.app.ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice" });
    await createUser(globex.app.ctx, { username: "gina", password: PASSWORD, displayName: "Gina" });
    alice = await openPage(suite.browser, 1280, { height: 900 });
    gina = await openPage(suite.browser, 390, { height: 844 }); // a phone
  });

  it("refuses a wrong password with a reason, then signs in", async () => {
    await alice.goto(`${acme.origin}/`);
    await alice.getByLabel("Username").fill("alice");
    await alice.getByLabel("Password").fill("not it");
    await alice.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => alice.getByRole("alert").textContent()).toContain("Wrong username or password");
    await signIn(alice, acme.origin, "alice");
    await expectFlash(alice, "Signed in as @alice");
    await expectNoSeriousA11yProblems(alice);
  });

  it("creates a group that a member of another instance joins after approval, and sees their post arrive live", async () => {
    await alice.goto(`${acme.origin}/groups`);
    await alice.getByLabel("Handle").fill("supply");
    await alice.getByLabel("Name", { exact: true }).fill("Acme × Globex supply");
    await alice.getByLabel("Who can read it").selectOption("members_only");
    await alice.getByLabel("Who can join").selectOption("approval");
    await alice.getByRole("button", { name: "Create group" }).click();
    await expectFlash(alice, "Group @supply created");
    await expectNoSeriousA11yProblems(alice);

    await signIn(gina, globex.origin, "gina");
    await gina.goto(`${globex.origin}/groups`);
    await gina.getByLabel("Find a group on another instance").fill(`@supply@${acme.host}`);
    await gina.getByRole("button", { name: "Find" }).click();
    await gina.getByRole("button", { name: "Ask to join" }).click();
    await expectFlash(gina, "request was sent");

    await alice.goto(`${acme.origin}/g/supply/members`);
    await expect
      .poll(
        async () => {
          await alice.reload();
          return alice.getByRole("button", { name: "Approve" }).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    // One organization fact names each person's company: the chip beside Gina says Globex, beside Alice Acme.
    const waiting = alice.locator("li", { has: alice.getByRole("button", { name: "Approve" }) });
    // The page shows the domain until Acme has learned Globex's organization (fetched in the background), so reload.
    await expect
      .poll(
        async () => {
          await alice.reload();
          return waiting.locator(".org").textContent();
        },
        { timeout: 20_000 },
      )
      .toBe("Globex");
    await expect.poll(() => alice.locator("li", { hasText: "@alice" }).locator(".org").first().textContent()).toBe("Acme");
    await shot(alice, "group-members-approval");
    await alice.getByRole("button", { name: "Approve" }).click();
    await expectFlash(alice, "Approved");

    // Alice keeps the group page open; Gina posts from Globex.
    await alice.goto(`${acme.origin}/g/supply`);
    await expect
      .poll(
        async () => {
          await gina.reload();
          return gina.getByLabel("Write in this group").count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await gina.getByLabel("Write in this group").fill("Week 48: 1,200 units ship Tuesday.");
    await gina.getByRole("button", { name: "Post" }).click();
    await expectFlash(gina, "Posted");
    await shot(gina, "group-on-a-phone");
    await expectNoSidewaysScroll(gina);
    await alice.getByText("Week 48: 1,200 units ship Tuesday.").waitFor({ timeout: 20_000 });
    await shot(alice, "group-live-post");
    await expectNoSeriousA11yProblems(alice);
  });

  it("assigns a task to the member on the other instance, who accepts it and moves it to done", async () => {
    await alice.goto(`${acme.origin}/g/supply/tasks`);
    await alice.getByLabel("Title").fill("Confirm dock slot");
    await alice.getByLabel("Due").fill("2020-01-31");
    await alice.getByLabel("Assign to").fill(`@gina@${globex.host}`);
    await alice.getByRole("button", { name: "Open task" }).click();
    await expectFlash(alice, "Task opened");
    await alice.getByText("asked, not yet accepted").waitFor();

    await expect
      .poll(
        async () => {
          await gina.goto(`${globex.origin}/me/tasks`);
          return gina.getByRole("link", { name: "Confirm dock slot" }).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await gina.getByText("waiting for your answer").waitFor();
    // Her own instance tells her, in words, with the unread count on the menu.
    await gina.goto(`${globex.origin}/notifications`);
    await gina.getByText("gave you a task: Confirm dock slot").waitFor({ timeout: 15_000 });
    expect(await gina.locator("details.menu > summary .count").textContent()).toMatch(/^[1-9]/);
    await shot(gina, "notifications-across-instances");
    await expectNoSidewaysScroll(gina);
    await gina.goto(`${globex.origin}/me/tasks`);
    await gina.getByRole("link", { name: "Confirm dock slot" }).click();
    await gina.getByRole("button", { name: "Accept" }).click();
    await expectFlash(gina, "You accepted the task");
    await gina.getByLabel("Status").selectOption("done");
    await gina.getByRole("button", { name: "Move" }).click();
    // The group's home (Acme) decides: Globex says the move is on its way.
    await expectFlash(gina, `Move sent to ${acme.host}`);

    await expect
      .poll(
        async () => {
          await alice.goto(`${acme.origin}/g/supply/tasks`);
          return alice
            .locator("section", { has: alice.getByRole("heading", { name: /^Done/ }) })
            .getByText("Confirm dock slot")
            .count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await shot(alice, "task-board");
    await expectNoSeriousA11yProblems(alice);
  });

  it("takes an idea from proposal through a vote on the other instance to an answer everyone sees", async () => {
    await alice.goto(`${acme.origin}/g/supply/ideas`);
    await alice.getByLabel("Title").fill("Shared delivery calendar");
    await alice.getByLabel("What and why").fill("One calendar for both companies' docks.");
    await alice.getByRole("button", { name: "Propose" }).click();
    await expectFlash(alice, "Idea proposed");

    const groupOnGlobex = `${globex.origin}/g/${encodeURIComponent(`supply@${acme.host}`)}/ideas`;
    await expect
      .poll(
        async () => {
          await gina.goto(groupOnGlobex);
          return gina.getByRole("link", { name: "Shared delivery calendar" }).count();
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    await gina.getByRole("button", { name: "Vote" }).click();
    await expectFlash(gina, "Vote counted");

    await expect
      .poll(
        async () => {
          await alice.goto(`${acme.origin}/g/supply/ideas`);
          return alice.locator(".votes").first().textContent();
        },
        { timeout: 20_000 },
      )
      .toBe("1");
    await alice.getByRole("link", { name: "Shared delivery calendar" }).click();
    await alice.getByLabel("Status").selectOption("planned");
    await alice.getByLabel(/Reason/).fill("Live in January.");
    await alice.getByRole("button", { name: "Answer" }).click();
    await expectFlash(alice, "Answered: planned");
    await shot(alice, "idea-answered");

    await expect
      .poll(
        async () => {
          await gina.goto(groupOnGlobex);
          return gina.getByText("Live in January.").count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await expectNoSeriousA11yProblems(gina);
  });

  it("serves pages with a strict Content-Security-Policy and refuses a form without its CSRF token", async () => {
    const res = await fetch(`${acme.origin}/sign-in`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const cookie = (await alice.context().cookies()).find((c) => c.name === "ecotone_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    const forged = await fetch(`${acme.origin}/groups`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `ecotone_session=${cookie.value}` },
      body: "slug=forged&name=Forged",
    });
    expect(forged.status).toBe(303);
    expect(forged.headers.get("set-cookie")).toContain("expired");
    expect((await fetch(`${acme.origin}/g/forged`, { headers: { cookie: `ecotone_session=${cookie.value}` } })).status).toBe(404);

    await alice.goto(`${acme.origin}/admin`);
    await shot(alice, "admin-people");
    await expectNoSeriousA11yProblems(alice);
  });
});
