// Work in the web interface without a browser: a task with a mistyped
// assignee is refused whole, short local names work, history reads in words,
// moderators delete tasks; notifications are typed, none for one's own
// actions, with an unread count and "mark all read"; wording; the theme.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost, likePost } from "../../src/services/posts/post.service.ts";
import { proposeIdea, voteForIdea } from "../../src/services/ideas/idea.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "olga", password: PASSWORD, displayName: "Olga Owner" });
  await createUser(a.app.ctx, { username: "paul", password: PASSWORD, displayName: "Paul Martin" });
  await createGroup(a.app.ctx, "olga", { slug: "ops", name: "Operations", visibility: "public", joinPolicy: "open" });
  await joinGroup(a.app.ctx, "paul", "ops");
});

afterAll(async () => {
  await a?.close();
});

const unreadIn = (page: string) => Number(/class="count" aria-label="(\d+) unread"/.exec(page)?.[1] ?? 0);

describe("tasks in the browser", () => {
  it("refuses a task whose assignee is mistyped, creating nothing, and takes @paul as someone here", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("olga");
    await v.get("/g/ops/tasks");
    const refused = await v.post("/g/ops/tasks", { title: "Book the truck", assignee: "@pual" });
    expect(await v.flashAfter(refused)).toContain("No user @pual");
    expect(v.lastPage).not.toContain("Book the truck");

    const made = await v.post("/g/ops/tasks", { title: "Book the truck", assignee: "@paul" });
    expect(await v.flashAfter(made)).toContain("Task opened");
    expect(v.lastPage).toMatch(/Paul Martin<\/a> <span class="muted">@paul<\/span>/);
    expect(v.lastPage).toContain("Olga Owner assigned it to Paul Martin");
    expect(v.lastPage).not.toMatch(/<li>[^<]*https?:\/\//);
  });

  it("tells the history in words, and lets a moderator delete a duplicate", async () => {
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    await paul.get("/me/tasks");
    const link = /href="\/tasks\/(\d+)">Book the truck/.exec(paul.lastPage)![1]!;
    await paul.get(`/tasks/${link}`);
    expect(await paul.flashAfter(await paul.post(`/tasks/${link}/status`, { status: "done" }))).toContain("Moved to Done");
    expect(paul.lastPage).toContain("Paul Martin moved it to Done");
    // Paul is not a moderator: no delete offered, and the form is refused.
    expect(paul.lastPage).not.toContain("Delete task");
    expect(await paul.flashAfter(await paul.post(`/tasks/${link}/delete`, {}))).toMatch(/moderator|owner|not allowed|Only/i);

    const olga = new Visitor(a.origin);
    await olga.signIn("olga");
    await olga.get(`/tasks/${link}`);
    expect(olga.lastPage).toContain("Delete task");
    expect(await olga.flashAfter(await olga.post(`/tasks/${link}/delete`, {}))).toContain("Task deleted");
    expect((await olga.get(`/tasks/${link}`)).status).toBe(404);
  });

  it("keeps the group's own task notes out of the home feed and shows them as activity in the group", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("olga");
    await v.get("/g/ops/tasks");
    await v.flashAfter(await v.post("/g/ops/tasks", { title: "Count pallets" }));
    const home = await v.get("/");
    expect(home.text_).not.toContain("Task: Count pallets");
    const group = await v.get("/g/ops");
    expect(group.text_).toMatch(/Task activity[\s\S]*Count pallets/);
    expect(group.text_).not.toContain("☐ Task:");
  });
});

describe("notifications", () => {
  it("names replies, assignments, task moves and votes; none for your own actions; unread count and mark all read", async () => {
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    await paul.get("/notifications");
    await paul.flashAfter(await paul.post("/notifications/read", {}));
    expect(unreadIn((await paul.get("/notifications")).text_)).toBe(0);

    // Olga replies to Paul without naming him; votes for his idea.
    const post = await createPost(a.app.ctx, "paul", { group: "ops", content: "Who has the forklift key?" });
    await createPost(a.app.ctx, "olga", { inReplyTo: post.id, content: "In the office." });
    const idea = await proposeIdea(a.app.ctx, "paul", "ops", { title: "Second forklift", content: "We wait too often." });
    await voteForIdea(a.app.ctx, "olga", idea.post.id, true);
    // Paul moves his own task: he is not told about what he did himself.
    const olga = new Visitor(a.origin);
    await olga.signIn("olga");
    await olga.get("/g/ops/tasks");
    await olga.flashAfter(await olga.post("/g/ops/tasks", { title: "Charge forklift", assignee: "paul" }));
    const taskId = /\/tasks\/(\d+)/.exec(olga.lastUrl)![1]!;
    await paul.get(`/tasks/${taskId}`);
    await paul.flashAfter(await paul.post(`/tasks/${taskId}/status`, { status: "done" }));

    const page = (await paul.get("/notifications")).text_;
    expect(page).toContain("Olga Owner</strong> replied");
    expect(page).toContain("Olga Owner</strong> voted for your idea");
    expect(page).toContain("Olga Owner</strong> gave you a task: Charge forklift");
    expect(page).not.toContain("liked your post");
    expect(page).not.toMatch(/Paul Martin<\/strong> moved a task/);
    expect(unreadIn(page)).toBe(3);
    await paul.flashAfter(await paul.post("/notifications/read", {}));
    expect(unreadIn(paul.lastPage)).toBe(0);
    expect(paul.lastPage).not.toContain("Mark all read");
  });
});

describe("join requests", () => {
  it("tells the group's moderators who asked to join which group, once", async () => {
    await createGroup(a.app.ctx, "olga", { slug: "buyers", name: "Buyers club", visibility: "public", joinPolicy: "approval" });
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    await paul.get("/g/buyers");
    expect(await paul.flashAfter(await paul.post("/g/buyers/join", {}))).toContain("request was sent");
    await paul.post("/g/buyers/join", {});
    const olga = new Visitor(a.origin);
    await olga.signIn("olga");
    const page = (await olga.get("/notifications")).text_;
    expect(page.match(/Paul Martin<\/strong> asked to join Buyers club/g)).toHaveLength(1);
    expect(page).toContain('href="/g/buyers/members">Answer the request');
  });
});

describe("grouped notifications", () => {
  it("shows several likes of one post as one line", async () => {
    await createUser(a.app.ctx, { username: "quinn", password: PASSWORD, displayName: "Quinn Q" });
    await joinGroup(a.app.ctx, "quinn", "ops");
    const post = await createPost(a.app.ctx, "paul", { group: "ops", content: "Pallets counted: 42" });
    await likePost(a.app.ctx, "olga", post.id);
    await likePost(a.app.ctx, "quinn", post.id);
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    const page = (await paul.get("/notifications")).text_;
    expect(page).toMatch(/(Quinn Q|Olga Owner)<\/strong> and 1 other liked your post/);
    expect(page.match(/liked your post/g)).toHaveLength(1);
  });
});

describe("wording and settings", () => {
  it("says 'an owner', does not offer the only owner Leave, and counts deliveries in words", async () => {
    const olga = new Visitor(a.origin);
    await olga.signIn("olga");
    const group = await olga.get("/g/ops");
    expect(group.text_).toContain("You are an owner of this group.");
    expect(group.text_).not.toContain('action="/g/ops/leave"');
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    expect((await paul.get("/g/ops")).text_).toContain("You are a member of this group.");
    await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
    const admin = new Visitor(a.origin);
    await admin.signIn("root");
    expect((await admin.get("/admin/deliveries")).text_).not.toContain("change(s)");
  });

  it("accepts a group handle with a hyphen in the browser's pattern syntax, and switches theme", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const groups = await v.get("/groups");
    // Browsers compile `pattern` with the v flag, where a bare "-" in a class is an error.
    const pattern = /id="slug"[^>]*pattern="([^"]+)"/.exec(groups.text_)![1]!;
    expect(new RegExp(`^(?:${pattern})$`, "v").test("supply-chain")).toBe(true);
    expect(await v.flashAfter(await v.post("/theme", { theme: "dark" }))).toBe("Dark theme.");
    expect(v.lastPage).toContain('<html lang="en" data-theme="dark">');
    expect(await v.flashAfter(await v.post("/theme", { theme: "purple" }))).toContain("Choose light, dark or auto");
  });
});
