// Every page as a person sees it, in both themes, on a desktop and on a 360 px
// phone: the admin pages (tables of forms), a thread, its edit history, the
// report form, an idea, a task, a profile and the paged lists. None may scroll
// sideways, and axe-core finds nothing serious (contrast included) in the
// dark theme as in the light one.
import type { Page } from "playwright-core";
import { beforeAll, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost, editPost } from "../../src/services/posts/post.service.ts";
import { proposeIdea } from "../../src/services/ideas/idea.service.ts";
import { createTask } from "../../src/services/tasks/task.service.ts";
import { isPendingChange } from "../../src/services/tasks/task-change.service.ts";
import { BROWSER_PASSWORD, describeInBrowser, expectNoSeriousA11yProblems, expectNoSidewaysScroll, shot } from "../helpers/browser.ts";

const PASSWORD = BROWSER_PASSWORD;

let acme: TestInstance;
const paths: string[] = [];

describeInBrowser("every page, both themes, desktop and phone", (suite) => {
  const adminPage = (width: number, theme: "light" | "dark"): Promise<Page> => suite.signedIn(acme.origin, "alice", width, { height: 800, colorScheme: theme });

  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice Administrator-With-A-Long-Name" });
    await createUser(ctx, { username: "bob", displayName: "Bob" });
    await createGroup(ctx, "alice", { slug: "launch", name: "Launch", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "bob", "launch");
    const post = await createPost(ctx, "bob", {
      group: "launch",
      content: "Venue booked: https://example.com/a/very/long/address/that/should/wrap/on/a/phone/screen",
    });
    await editPost(ctx, "bob", post.id, { content: "Venue booked for the 14th." });
    const reply = await createPost(ctx, "alice", { content: "Thanks!", inReplyTo: post.id });
    const idea = await proposeIdea(ctx, "bob", "launch", { title: "A shared calendar", content: "For both docks." });
    const task = await createTask(ctx, "alice", "launch", { title: "Print badges", assignees: ["@bob"], due: "2030-01-31" });
    if (isPendingChange(task)) throw new Error("launch is a group of this instance: the task exists at once");
    paths.push(
      "/admin",
      "/admin/groups",
      "/admin/federation",
      "/admin/deliveries",
      "/admin/reports",
      "/admin/organization",
      "/admin/partners",
      `/p/${post.id}`,
      `/p/${post.id}/history`,
      `/p/${reply.id}/report`,
      `/ideas/${idea.post.id}`,
      `/tasks/${task.id}`,
      "/u/bob",
      "/me/tasks",
    );
  });

  for (const [width, theme] of [
    [360, "dark"],
    [360, "light"],
    [1280, "dark"],
  ] as const) {
    it(`fits and reads well at ${width} px in the ${theme} theme`, async () => {
      const page = await adminPage(width, theme);
      for (const path of paths) {
        await page.goto(`${acme.origin}${path}`);
        await expectNoSidewaysScroll(page);
        await expectNoSeriousA11yProblems(page);
      }
      if (width === 360 && theme === "dark") {
        await page.goto(`${acme.origin}/admin`);
        await shot(page, "admin-people-360-dark");
      }
      await page.context().close();
    });
  }
});
