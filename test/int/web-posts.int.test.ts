// Posts in the web interface without a browser: Markdown (sanitised, source
// kept), preview, edit with history, delete, report, "Older" pages, search
// and tag pages, autocomplete of local people by short name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(a.app.ctx, { username: "paul", password: PASSWORD, displayName: "Paul Martin" });
  await createUser(a.app.ctx, { username: "eve", password: PASSWORD });
  await createGroup(a.app.ctx, "root", { slug: "ops", name: "Operations", visibility: "public", joinPolicy: "open" });
  await createGroup(a.app.ctx, "root", { slug: "board", name: "Board room", visibility: "members_only", joinPolicy: "invite" });
  await joinGroup(a.app.ctx, "paul", "ops");
});

afterAll(async () => {
  await a?.close();
});

const idIn = (page: string) => /href="\/p\/(\d{19})"/.exec(page)![1]!;

describe("writing posts in the browser", () => {
  it("renders Markdown safely and keeps the source; turns @paul into a mention", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    await v.get("/g/ops");
    const text = "**Ship** it _today_ with @paul #Logistics\n\n- one\n- two\n\n[x](javascript:alert(1))\n\n<script>alert(1)</script>";
    expect(await v.flashAfter(await v.post("/g/ops/posts", { content: text }))).toBe("Posted.");
    expect(v.lastPage).toContain("<strong>Ship</strong>");
    expect(v.lastPage).toContain("<em>today</em>");
    expect(v.lastPage).toContain("<li>one</li>");
    expect(v.lastPage).toMatch(/class="u-url mention"[^>]*>@paul<\/a>/);
    expect(v.lastPage).toContain("&lt;script&gt;");
    expect(v.lastPage).not.toContain("<script>alert");
    expect(v.lastPage).not.toContain("javascript:");
    expect(v.lastPage).toMatch(/href="[^"]*\/tags\/logistics"/);
    // The tag link leads to a page of that tag, not a JSON 404.
    const tag = await v.get("/tags/logistics");
    expect(tag.status).toBe(200);
    expect(tag.text_).toContain("<strong>Ship</strong>");
    // Paul was mentioned by his short name and is told so.
    const paul = new Visitor(a.origin);
    await paul.signIn("paul");
    expect((await paul.get("/notifications")).text_).toContain("mentioned you");
  });

  it("posts an image with its alt text from the composer's multipart form, and never for a stranger", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const v = new Visitor(a.origin);
    await v.signIn("root");
    await v.get("/g/ops");
    const form = () => {
      const f = new FormData();
      f.set("_csrf", v.csrf());
      f.set("content", "The new dock, seen from the yard");
      f.set("alt1", "A loading dock with two open bays");
      f.set("image", new Blob([png], { type: "image/png" }), "dock.png");
      return f;
    };
    const cookie = [...v.jar].map(([k, x]) => `${k}=${x}`).join("; ");
    const res = await fetch(`${a.origin}/g/ops/posts`, { method: "POST", body: form(), headers: { cookie, referer: `${a.origin}/g/ops` }, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(decodeURIComponent(res.headers.getSetCookie().join(";"))).toContain("Posted.");
    await v.get("/g/ops");
    expect(v.lastPage).toMatch(/<img src="[^"]+\/media\/[\w-]+\.png" alt="A loading dock with two open bays"/);
    // Without a session, a file is not even read.
    const stranger = await fetch(`${a.origin}/g/ops/posts`, { method: "POST", body: form(), redirect: "manual" });
    expect(stranger.status).toBe(401);
  });

  it("previews exactly what will be posted, only for a signed-in form", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    await v.get("/");
    const ok = await fetch(`${a.origin}/_preview`, {
      method: "POST",
      headers: { cookie: [...v.jar].map(([k, x]) => `${k}=${x}`).join("; "), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: v.csrf(), content: "# Title\n\n<img src=x onerror=alert(1)>" }),
    });
    expect(ok.status).toBe(200);
    const { html } = (await ok.json()) as { html: string };
    expect(html).toContain("<h1>Title</h1>");
    expect(html).not.toContain("<img");
    const forged = await fetch(`${a.origin}/_preview`, {
      method: "POST",
      headers: { cookie: [...v.jar].map(([k, x]) => `${k}=${x}`).join("; "), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ content: "hi" }),
    });
    expect(forged.status).toBe(403);
  });

  it("edits a post with its history kept, lets only the author edit, and deletes it", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    await v.get("/g/ops");
    await v.flashAfter(await v.post("/g/ops/posts", { content: "Truck leaves at 9" }));
    const id = idIn(v.lastPage);
    await v.get(`/p/${id}/edit`);
    expect(v.lastPage).toContain(">Truck leaves at 9</textarea>");
    expect(await v.flashAfter(await v.post(`/p/${id}/edit`, { content: "Truck leaves at **10**", summary: "" }))).toContain("Saved");
    expect(v.lastPage).toContain("<strong>10</strong>");
    expect(v.lastPage).toContain(`href="/p/${id}/history">edited`);
    const history = await v.get(`/p/${id}/history`);
    expect(history.text_).toContain("Truck leaves at 9");

    const eve = new Visitor(a.origin);
    await eve.signIn("eve");
    await eve.get(`/p/${id}`);
    expect(eve.lastPage).not.toContain(`/p/${id}/edit"`);
    expect(await eve.flashAfter(await eve.post(`/p/${id}/edit`, { content: "hacked" }))).toContain("Only the author");
    expect(await eve.flashAfter(await eve.post(`/p/${id}/delete`, {}))).toContain("Only the author or the group");
    expect((await eve.get(`/p/${id}`)).text_).toContain("<strong>10</strong>");

    expect(await v.flashAfter(await v.post(`/p/${id}/delete`, {}))).toBe("Post deleted.");
    expect((await v.get(`/p/${id}`)).status).toBe(404);
  });

  it("reports a post to the moderators, who see it in the admin reports", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("eve");
    const post = await createPost(a.app.ctx, "paul", { group: "ops", content: "Buy my crypto" });
    await v.get(`/p/${post.id}/report`);
    expect(await v.flashAfter(await v.post(`/p/${post.id}/report`, { comment: "Spam" }))).toContain("Report sent");
    const admin = new Visitor(a.origin);
    await admin.signIn("root");
    const reports = await admin.get("/admin/reports");
    expect(reports.text_).toContain("Spam");
    expect(reports.text_).toContain(post.uri);
  });

  it("pages a group with Older: nothing lost, nothing twice", async () => {
    for (let i = 1; i <= 25; i++) await createPost(a.app.ctx, "root", { group: "ops", content: `Numbered post ${String(i).padStart(2, "0")}` });
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const first = await v.get("/g/ops");
    const older = /href="(\/g\/ops\?before=\d+)" rel="next">Older/.exec(first.text_)?.[1];
    expect(older).toBeDefined();
    const second = await v.get(older!.replace(/&amp;/g, "&"));
    const numbers = (page: string) => [...page.matchAll(/Numbered post (\d\d)/g)].map((m) => m[1]!);
    const seen = [...numbers(first.text_), ...numbers(second.text_)];
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1).padStart(2, "0")));
    expect(numbers(first.text_)[0]).toBe("25");
    // Past the first page, "Newest" leads back to it; the first page has no such link.
    expect(second.text_).toMatch(/href="\/g\/ops" rel="first">Newest</);
    expect(first.text_).not.toContain(">Newest<");
  });

  it("searches people, groups and posts, never showing a members-only post to an outsider", async () => {
    await createPost(a.app.ctx, "root", { group: "board", content: "Confidential merger plan" });
    await createPost(a.app.ctx, "root", { group: "ops", content: "Public merger rumours are false" });
    const eve = new Visitor(a.origin);
    await eve.signIn("eve");
    const found = await eve.get("/search?q=merger");
    expect(found.status).toBe(200);
    expect(found.text_).toContain("Public merger rumours");
    expect(found.text_).not.toContain("Confidential merger plan");
    expect((await eve.get("/search?q=paul")).text_).toContain("Paul Martin");
    expect((await eve.get("/search?q=operations")).text_).toContain("Operations");
    const root = new Visitor(a.origin);
    await root.signIn("root");
    expect((await root.get("/search?q=merger")).text_).toContain("Confidential merger plan");
  });

  it("completes @names (local people by short name) and #tags for the composer", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    const cookie = [...v.jar].map(([k, x]) => `${k}=${x}`).join("; ");
    const people = (await (await fetch(`${a.origin}/_complete?q=%40pa`, { headers: { cookie } })).json()) as Array<{ value: string }>;
    expect(people.map((p) => p.value)).toContain("@paul");
    const tags = (await (await fetch(`${a.origin}/_complete?q=%23logi`, { headers: { cookie } })).json()) as Array<{ value: string }>;
    expect(tags.map((t) => t.value)).toContain("#logistics");
    expect((await fetch(`${a.origin}/_complete?q=%40pa`)).status).toBe(401);
  });
});
