// The web composer without a browser: several images in one post, each with
// its own description and in the order chosen; a refused image (too many, or
// not an image) refuses the whole post and stores nothing; and, while a
// question is written in a group, answered questions like it are suggested
// only to those who may read the group.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { askQuestion } from "../../src/services/ideas/question.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(a.app.ctx, { username: "paul", password: PASSWORD });
  await createUser(a.app.ctx, { username: "eve", password: PASSWORD });
  await createGroup(a.app.ctx, "root", { slug: "yard", name: "Yard", visibility: "public", joinPolicy: "open" });
  await createGroup(a.app.ctx, "root", { slug: "help", name: "Help desk", visibility: "members_only", joinPolicy: "open" });
  await joinGroup(a.app.ctx, "paul", "yard");
  await joinGroup(a.app.ctx, "paul", "help");
});

afterAll(async () => {
  await a?.close();
});

async function mediaCount(): Promise<number> {
  const row = await a.app.ctx.db
    .selectFrom("media_attachments")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function postImages(v: Visitor, path: string, content: string, images: Array<{ bytes: Buffer; alt?: string }>): Promise<Response> {
  await v.get(path.replace(/\/posts$/, ""));
  const form = new FormData();
  form.set("_csrf", v.csrf());
  form.set("content", content);
  images.forEach((img, i) => {
    form.append("image", new Blob([new Uint8Array(img.bytes)], { type: "image/png" }), `photo-${i + 1}.png`);
    if (img.alt) form.set(`alt${i + 1}`, img.alt);
  });
  const cookie = [...v.jar].map(([k, x]) => `${k}=${x}`).join("; ");
  return fetch(`${a.origin}${path}`, {
    method: "POST",
    body: form,
    headers: { cookie, referer: `${a.origin}${path.replace(/\/posts$/, "")}` },
    redirect: "manual",
  });
}

const flashOf = (res: Response) => decodeURIComponent(res.headers.getSetCookie().join(";"));

describe("the web composer", () => {
  it("posts three images at once, each with its own description, in the order chosen", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const res = await postImages(v, "/g/yard/posts", "Yard layout, three views", [
      { bytes: PNG, alt: "North gate" },
      { bytes: PNG },
      { bytes: PNG, alt: "Dock 3 from above" },
    ]);
    expect(res.status).toBe(303);
    expect(flashOf(res)).toContain("Posted.");
    const page = (await v.get("/g/yard")).text_;
    const card = page.slice(page.indexOf("Yard layout, three views"));
    const alts = [...card.matchAll(/<img src="[^"]+\/media\/[\w-]+\.png" alt="([^"]*)"/g)].slice(0, 3).map((m) => m[1]);
    expect(alts).toEqual(["North gate", "", "Dock 3 from above"]);
    // The composer offers a description field per image.
    expect(page).toContain('name="alt4"');
    expect(page).toMatch(/<input id="group-post-image" name="image" type="file" multiple/);
  });

  it("refuses a fifth image, or one that is not an image, and keeps nothing of that post", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const before = await mediaCount();
    const five = await postImages(
      v,
      "/g/yard/posts",
      "Too many pictures",
      Array.from({ length: 5 }, () => ({ bytes: PNG })),
    );
    // Refused before the form is read, and still back to the form with the reason.
    expect(five.status).toBe(303);
    expect(flashOf(five)).toContain("Send at most 4 files per request. Nothing was saved");
    const fake = await postImages(v, "/g/yard/posts", "One is a text file", [{ bytes: PNG }, { bytes: Buffer.from("just some text, not a picture") }]);
    expect(fake.status).toBe(303);
    expect(flashOf(fake)).toContain("Image 2: Only image/png");
    expect(await mediaCount()).toBe(before);
    const page = (await v.get("/g/yard")).text_;
    expect(page).not.toContain("Too many pictures");
    expect(page).not.toContain("One is a text file");
  });

  it("suggests answered questions like the one being written, only to people who may read the group", async () => {
    const asked = await askQuestion(a.app.ctx, "root", { group: "help", content: "How do I reset the forklift battery charger?" });
    await createPost(a.app.ctx, "paul", { content: "Hold the red button for ten seconds.", inReplyTo: asked.id });
    await askQuestion(a.app.ctx, "root", { group: "help", content: "Where is the forklift parked overnight?" }); // no answer yet: not suggested

    const root = new Visitor(a.origin);
    await root.signIn("root");
    const page = (await root.get("/g/help")).text_;
    expect(page).toContain('data-similar="/g/help/_similar-questions"');
    const found = await root.get(`/g/help/_similar-questions?q=${encodeURIComponent("forklift charger keeps blinking?")}`);
    expect(found.status).toBe(200);
    expect(found.text_).toContain(`href="/p/${asked.id}"`);
    expect(found.text_).toContain("How do I reset the forklift battery charger?");
    expect(found.text_).toContain("1 answer");
    expect(found.text_).not.toContain("parked overnight");
    // Too little typed yet: nothing, rather than everything.
    expect((await root.get("/g/help/_similar-questions?q=fork")).text_).toBe("");

    // Eve has not joined the members-only help desk: she is shown none of its questions.
    const eve = new Visitor(a.origin);
    await eve.signIn("eve");
    const hidden = await eve.get(`/g/help/_similar-questions?q=${encodeURIComponent("forklift charger keeps blinking?")}`);
    expect(hidden.text_).toBe("");
    expect((await fetch(`${a.origin}/g/help/_similar-questions?q=forklift+charger+blinking`)).status).toBe(401);
  });

  it("asks a question from the composer with its Markdown, mention and image kept", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("root");
    await v.get("/g/help");
    const form = new FormData();
    form.set("_csrf", v.csrf());
    form.set("content", "Which **charger** fits the new forklift, @paul?");
    form.set("kind", "question");
    form.append("image", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "label.png");
    form.set("alt1", "The charger's rating plate");
    const cookie = [...v.jar].map(([k, x]) => `${k}=${x}`).join("; ");
    const res = await fetch(`${a.origin}/g/help/posts`, { method: "POST", body: form, headers: { cookie, referer: `${a.origin}/g/help` }, redirect: "manual" });
    expect(flashOf(res)).toContain("Question asked.");
    const page = (await v.get("/g/help")).text_;
    const card = page.slice(page.indexOf("Which <strong>charger</strong> fits"));
    expect(card).toMatch(/class="u-url mention"[^>]*>@paul<\/a>/);
    expect(card).toMatch(/<img src="[^"]+\/media\/[\w-]+\.png" alt="The charger&#39;s rating plate"/);
  });
});
