// A file attached to a group post travels as an ActivityStreams `Document`
// (as Mastodon sends attachments): its type and its name go with it. The
// member's instance keeps it as a link to the file's home and shows it as a
// file card; following that link downloads the file, under its own name. An
// Image beside it still shows as a picture.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { uploadFile, uploadMedia } from "../../src/services/posts/media.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let b: TestInstance;
let ada: TestUser;
let bea: TestUser;
let groupHandle: string;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  [ada, bea] = await Promise.all([a.user("ada"), b.user("bea")]);
  groupHandle = `yard@${a.host}`;
  expect((await a.api(ada.token, "POST", "/api/ecotone/v1/groups", { slug: "yard", name: "Yard", visibility: "public", joinPolicy: "open" })).status).toBe(201);
  const joined = await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}/join`);
  expect([200, 202]).toContain(joined.status);
  await eventually(
    async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(groupHandle)}`)).body.membership?.state === "accepted",
  );
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("files across instances", () => {
  it("sends a file as a Document the member's instance shows as a file card that downloads from its home", async () => {
    const file = await uploadFile(a.app.ctx, "ada", { bytes: PDF, fileName: "rates 2027.pdf" });
    const image = await uploadMedia(a.app.ctx, "ada", { bytes: PNG, description: "The yard from above" });
    const post = await createPost(a.app.ctx, "ada", { group: groupHandle.split("@")[0]!, content: "Rates for next year", mediaIds: [file.id, image.id] });

    // On the wire: a Document with the file's type and name.
    const res = await fetch(post.uri, { headers: { accept: "application/activity+json" } });
    const object = (await res.json()) as { attachment: Array<{ type: string; mediaType: string; name: string; url: string }> };
    const doc = object.attachment.find((x) => x.mediaType === "application/pdf");
    expect(doc).toMatchObject({ type: "Document", mediaType: "application/pdf", name: "rates 2027.pdf" });
    expect(doc!.url).toMatch(new RegExp(`^${a.origin}/media/\\d+-[0-9a-f]{32}\\.pdf$`));

    // On the member's instance: stored as links to the file's home.
    const stored = (await eventually(async () => {
      const row = await b.app.ctx.db.selectFrom("posts").select("id").where("uri", "=", post.uri).executeTakeFirst();
      if (!row) return null;
      const media = await b.app.ctx.db.selectFrom("media_attachments").selectAll().where("post_id", "=", row.id).orderBy("position").execute();
      return media.length === 2 ? { id: row.id, media } : null;
    }, 20_000))!;
    expect(stored.media.map((m) => [m.type, m.mime_type, m.remote_url])).toEqual([
      ["unknown", "application/pdf", doc!.url],
      ["image", "image/png", expect.stringMatching(/\.png$/)],
    ]);

    const v = new Visitor(b.origin);
    await v.signIn("bea", PASSWORD);
    const page = (await v.get(`/p/${stored.id}`)).text_;
    const card =
      /<a class="file-card" href="([^"]+)" rel="noopener noreferrer nofollow">[\s\S]*?<span class="file-name">([^<]*)<\/span><span class="file-meta">([^<]*)<\/span>/.exec(
        page,
      );
    expect(card?.slice(1)).toEqual([doc!.url, "rates 2027.pdf", `File on ${a.host}`]);
    expect(page).toMatch(/<img src="[^"]+\.png" alt="The yard from above"/);

    // The link downloads the file from its home, under its name.
    const download = await fetch(card![1]!);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="rates 2027.pdf"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
  });
});
