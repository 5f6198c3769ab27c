// Everyday use of the web interface in Chromium, at desktop (1280) and phone
// (390 and 360) width: the Markdown composer with preview and @-completion,
// visible like buttons, editing with history, a refused task form that keeps
// its input, moving a card on the board by keyboard and by mouse,
// notifications with their unread count, search, dark mode, and the phone
// menu with nothing wider than the screen. axe-core (contrast included) finds
// no serious problem on any of these pages. Screenshots go to docs/screenshots/.
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { createTask } from "../../src/services/tasks/task.service.ts";
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
let alice: Page; // desktop
let bob: Page; // phone, 390 wide

describeInBrowser("everyday use in a browser", (suite) => {
  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice Arden" });
    await createUser(ctx, { username: "bob", password: PASSWORD, displayName: "Bob Baker" });
    await createGroup(ctx, "alice", {
      slug: "launch",
      name: "Spring launch",
      summary: "Everything for the April launch.",
      visibility: "public",
      joinPolicy: "open",
    });
    await joinGroup(ctx, "bob", "launch");
    for (const title of ["Print the flyers", "Book the venue", "Order coffee"]) await createTask(ctx, "alice", "launch", { title });
    await createPost(ctx, "bob", { group: "launch", content: "Venue shortlist: the old mill, or the harbour hall. #venue", format: "markdown" });
    alice = await openPage(suite.browser, 1280, { height: 900 });
    bob = await openPage(suite.browser, 390, { height: 844 });
    alice.on("dialog", (d) => void d.accept());
    await signIn(alice, acme.origin, "alice");
    await signIn(bob, acme.origin, "bob");
  });

  it("writes Markdown with a preview and an @-suggestion, and shows it formatted", async () => {
    await alice.goto(`${acme.origin}/g/launch`);
    const box = alice.getByLabel("Write in this group");
    await box.fill("**Flyers** are _approved_, thanks ");
    await box.press("End");
    await box.pressSequentially("@bo");
    await alice.getByRole("option", { name: /Bob Baker/ }).waitFor();
    await box.press("Enter");
    await expect.poll(() => box.inputValue()).toBe("**Flyers** are _approved_, thanks @bob ");
    await alice.getByRole("button", { name: "Preview" }).click();
    await alice.locator(".preview strong", { hasText: "Flyers" }).waitFor();
    await shot(alice, "composer-preview");
    await alice.getByRole("button", { name: "Post", exact: true }).click();
    await expectFlash(alice, "Posted.");
    const post = alice.locator("article.post").first();
    await expect.poll(() => post.locator("strong").textContent()).toBe("Flyers");
    await expect.poll(() => post.locator("a.mention").textContent()).toBe("@bob");
    await expectNoSeriousA11yProblems(alice);
  });

  it("shows like buttons people can see, counts the like, and edits with history", async () => {
    await alice.goto(`${acme.origin}/g/launch`);
    const venue = alice.locator("article.post", { hasText: "Venue shortlist" });
    const like = venue.getByRole("button", { name: "Like" });
    const [colour, background] = await like.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el.closest("article")!).backgroundColor]);
    expect(colour).not.toBe(background);
    await like.click();
    await expectFlash(alice, "Liked.");
    await alice.locator("article.post", { hasText: "Venue shortlist" }).getByText("1 like", { exact: true }).waitFor();
    await alice.locator("article.post", { hasText: "Venue shortlist" }).getByRole("button", { name: "Unlike" }).waitFor();

    await alice.locator("article.post", { hasText: "Flyers" }).getByRole("link", { name: "Edit" }).click();
    await alice.getByLabel("Text", { exact: true }).fill("**Flyers** are _approved_ and printed.");
    await alice.getByRole("button", { name: "Save" }).click();
    await expectFlash(alice, "Saved");
    await alice.getByRole("link", { name: "edited" }).click();
    await alice.getByText("thanks @bob").waitFor();
    await expectNoSeriousA11yProblems(alice);
  });

  it("replies inline from the group's page without opening the thread", async () => {
    await alice.goto(`${acme.origin}/g/launch`);
    const venue = alice.locator("article.post", { hasText: "Venue shortlist" });
    await venue.locator("summary", { hasText: "Reply" }).click();
    await venue.getByLabel("Reply to Bob Baker").fill("The harbour hall, **definitely**.");
    await venue.getByRole("button", { name: "Reply" }).click();
    await expectFlash(alice, "Replied.");
    await alice.locator("article.post", { hasText: "Venue shortlist" }).getByRole("link", { name: "1 reply" }).click();
    await alice.locator(".reply strong", { hasText: "definitely" }).waitFor();
  });

  it("keeps what was typed when a task is refused, and creates nothing", async () => {
    await alice.goto(`${acme.origin}/g/launch/tasks`);
    await alice.getByLabel("Title").fill("Hire a photographer");
    await alice.getByLabel("Description").fill("Two hours, afternoon.");
    await alice.getByLabel("Assign to").fill("@nobody_here");
    await alice.getByRole("button", { name: "Open task" }).click();
    await expectFlash(alice, /No user @nobody_here/);
    await expect.poll(() => alice.getByLabel("Title").inputValue()).toBe("Hire a photographer");
    expect(await alice.getByLabel("Description").inputValue()).toBe("Two hours, afternoon.");
    expect(await alice.locator(".board").getByText("Hire a photographer").count()).toBe(0);
  });

  it("moves a card by keyboard and by drag and drop", async () => {
    await alice.goto(`${acme.origin}/g/launch/tasks`);
    const column = (name: RegExp) => alice.locator("section[data-status]", { has: alice.getByRole("heading", { name }) });
    const card = alice.locator(".task", { hasText: "Print the flyers" });
    await card.focus();
    await alice.keyboard.press("Space");
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("Space");
    await expectFlash(alice, "Moved to In progress");
    await column(/^In progress/)
      .getByText("Print the flyers")
      .waitFor();

    await alice.locator(".task", { hasText: "Book the venue" }).dragTo(column(/^Done/));
    await expectFlash(alice, "Moved to Done");
    await column(/^Done/).getByText("Book the venue").waitFor();
    await shot(alice, "task-board-moved");
    await expectNoSeriousA11yProblems(alice);
  });

  it("tells Bob what happened, with an unread count, until he marks all read", async () => {
    await createPost(acme.app.ctx, "alice", { group: "launch", content: `@bob@${acme.host} can you take the coffee?`, format: "markdown" });
    await bob.goto(`${acme.origin}/`);
    const summary = bob.locator("details.menu > summary");
    await expect.poll(() => summary.locator(".count").textContent()).toMatch(/^[1-9]/);
    await summary.click();
    await bob
      .getByRole("navigation", { name: "Menu" })
      .getByRole("link", { name: /Notifications/ })
      .click();
    await bob.getByText("mentioned you").first().waitFor();
    await shot(bob, "notifications-on-a-phone");
    await expectNoSidewaysScroll(bob);
    await expectNoSeriousA11yProblems(bob);
    await bob.getByRole("button", { name: "Mark all read" }).click();
    await expectFlash(bob, "All notifications marked read.");
    expect(await bob.locator("details.menu > summary .count").count()).toBe(0);
  });

  it("finds people, posts and tasks from the header search", async () => {
    await alice.goto(`${acme.origin}/`);
    await alice.getByRole("searchbox", { name: /Search people/ }).fill("venue");
    await alice.keyboard.press("Enter");
    await alice.waitForURL(/\/search\?q=venue/);
    await alice.locator(".results").getByText("Venue shortlist").waitFor();
    await alice.locator(".results").getByRole("link", { name: "Book the venue" }).waitFor();
    await shot(alice, "search");
    await expectNoSeriousA11yProblems(alice);
  });

  it("shows a new invitation link once, with a copy button, never in the address", async () => {
    await alice.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: acme.origin });
    await alice.goto(`${acme.origin}/admin`);
    await alice.getByRole("button", { name: "Create invitation link" }).click();
    const link = await alice.getByLabel("Invitation link").inputValue();
    expect(link).toMatch(/\/join\/[\w-]+$/);
    expect(alice.url()).not.toContain(link.split("/join/")[1]!);
    await alice.getByRole("button", { name: "Copy" }).click();
    await expectFlash(alice, "Copied.");
    expect(await alice.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await shot(alice, "admin-invite-link");
    await expectNoSeriousA11yProblems(alice);
  });

  it("switches to dark and stays readable", async () => {
    await alice.goto(`${acme.origin}/g/launch`);
    await alice.getByRole("button", { name: "Switch to dark theme" }).click();
    await expectFlash(alice, "Dark theme.");
    expect(await alice.locator("html").getAttribute("data-theme")).toBe("dark");
    await shot(alice, "group-dark");
    await expectNoSeriousA11yProblems(alice);
    await alice.getByRole("button", { name: "Switch to light theme" }).click();
    await expectFlash(alice, "Light theme.");
  });

  it("fits a 360 px phone on every main page, with the menu instead of a wrapped bar", async () => {
    await bob.setViewportSize({ width: 360, height: 780 });
    for (const path of [
      "/",
      "/g/launch",
      "/g/launch/tasks",
      "/g/launch/ideas",
      "/g/launch/members",
      "/notifications",
      "/search?q=venue",
      "/me/tasks",
      "/settings",
      "/groups",
    ]) {
      await bob.goto(`${acme.origin}${path}`);
      await expectNoSidewaysScroll(bob);
    }
    await bob.goto(`${acme.origin}/g/launch`);
    expect(await bob.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
    await bob.locator("details.menu > summary").click();
    await bob.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: "My tasks" }).waitFor();
    await shot(bob, "phone-menu-360");
    await expectNoSeriousA11yProblems(bob);
    await bob.keyboard.press("Escape");
    await bob.goto(`${acme.origin}/g/launch/tasks`);
    await shot(bob, "task-board-360");
  });
});
