// Profiles as other servers see them: avatar and header images, profile
// fields (PropertyValue) both ways, and bios whose mentions are links. Set
// through the Mastodon API's update_credentials on A; read by a
// Mastodon-shaped peer and by another Ecotone instance, B.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startMastodonPeer, type MastodonPeer } from "../helpers/mastodon-peer.ts";

let a: TestInstance;
let b: TestInstance;
let masto: MastodonPeer;
let olga: TestUser;
let bea: TestUser;
let mara: { uri: string; handle: string };

const AP = { accept: "application/activity+json" };

/** A PNG header of the given size: enough for the upload checks, which read the first bytes. */
function png(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = Buffer.alloc(64);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write("IHDR", 12, "ascii");
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return new Uint8Array(bytes);
}

async function updateCredentials(token: string, form: FormData) {
  const res = await fetch(new URL("/api/v1/accounts/update_credentials", a.origin), {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function actorDocument(uri: string) {
  return (await (await fetch(uri, { headers: AP })).json()) as any;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  masto = await startMastodonPeer();
  olga = await a.user("olga");
  bea = await b.user("bea");
  mara = await masto.addUser("mara", { bio: "Woodworker", fields: { Workshop: "Unit 4, Mill Lane", Pronouns: "she/her" } });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), masto?.close()]);
});

describe("a profile with images and fields", () => {
  it("update_credentials stores avatar, header and fields; the actor carries icon, image and PropertyValues", async () => {
    const form = new FormData();
    form.set("avatar", new Blob([png(400, 400)], { type: "image/png" }), "me.png");
    form.set("header", new Blob([png(1500, 500)], { type: "image/png" }), "banner.png");
    form.set("fields_attributes[0][name]", "Website");
    form.set("fields_attributes[0][value]", "https://olga.example/portfolio");
    form.set("fields_attributes[1][name]", "Team");
    form.set("fields_attributes[1][value]", "Procurement");
    const res = await updateCredentials(olga.token, form);
    expect(res.status).toBe(200);
    expect(res.body.avatar).toMatch(new RegExp(`^${a.origin}/media/[\\w-]+\\.png$`));
    expect(res.body.header).toMatch(new RegExp(`^${a.origin}/media/[\\w-]+\\.png$`));
    expect(res.body.fields.map((f: { name: string }) => f.name)).toEqual(["Website", "Team"]);
    expect(res.body.fields[0].value).toContain('href="https://olga.example/portfolio"');
    // An app's profile editor reads the plain values back.
    const me = await a.api(olga.token, "GET", "/api/v1/accounts/verify_credentials");
    expect(me.body.source.fields).toEqual([
      { name: "Website", value: "https://olga.example/portfolio", verified_at: null },
      { name: "Team", value: "Procurement", verified_at: null },
    ]);

    const doc = await actorDocument(olga.uri);
    expect(doc.icon.url).toBe(res.body.avatar);
    expect(doc.image.url).toBe(res.body.header);
    // The person's own fields, then the organization's (added for every local person).
    const fields = [doc.attachment].flat();
    expect(fields.map((f: { name: string }) => f.name)).toEqual(["Website", "Team", "Organization"]);
    expect(fields[0]).toMatchObject({ type: "PropertyValue", name: "Website" });
    expect(fields[0].value).toContain('href="https://olga.example/portfolio"');
    // The images are served.
    const image = await fetch(res.body.header);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("a Mastodon-shaped server and another Ecotone read the images and fields", async () => {
    const seen = await masto.lookupActor(olga.uri);
    expect(seen).not.toBeNull();
    const attachments = [];
    for await (const f of seen!.getAttachments()) attachments.push(f);
    expect(attachments.map((f) => String((f as { name: unknown }).name))).toEqual(["Website", "Team", "Organization"]);
    expect((await seen!.getImage())?.url).toBeInstanceOf(URL);

    const lookup = await b.api(bea.token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(`olga@${a.host}`)}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.fields.map((f: { name: string; value: string }) => [f.name, f.value.replace(/<[^>]+>/g, "")]).slice(0, 2)).toEqual([
      ["Website", "https://olga.example/portfolio"],
      ["Team", "Procurement"],
    ]);
    expect(lookup.body.avatar).toMatch(new RegExp(`^${a.origin}/media/`));
    expect(lookup.body.header).toMatch(new RegExp(`^${a.origin}/media/`));
  });

  it("fields of a Mastodon profile show on Ecotone", async () => {
    const lookup = await a.api(olga.token, "GET", `/api/v1/accounts/lookup?acct=${encodeURIComponent(mara.handle.slice(1))}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body.fields.map((f: { name: string; value: string }) => [f.name, f.value])).toEqual([
      ["Workshop", "Unit 4, Mill Lane"],
      ["Pronouns", "she/her"],
    ]);
  });

  it("a bio mentioning a known account links it; a hashtag links to the tag", async () => {
    const res = await a.api(olga.token, "PATCH", "/api/v1/accounts/update_credentials", { note: `Buying with ${mara.handle} #procurement` });
    expect(res.status).toBe(200);
    const doc = await actorDocument(olga.uri);
    expect(doc.summary).toContain(`href="${mara.uri}"`);
    expect(doc.summary).toContain('class="u-url mention"');
    expect(doc.summary).toContain(`href="${a.origin}/tags/procurement"`);
  });

  it("refuses bad input with 422 and leaves the profile as it was", async () => {
    const before = await actorDocument(olga.uri);
    const tooMany = new FormData();
    for (let i = 0; i < 5; i++) {
      tooMany.set(`fields_attributes[${i}][name]`, `F${i}`);
      tooMany.set(`fields_attributes[${i}][value]`, "x");
    }
    const refused = await updateCredentials(olga.token, tooMany);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain("at most 4 fields");

    const notImage = new FormData();
    notImage.set("avatar", new Blob([new TextEncoder().encode("<svg onload=alert(1)>")], { type: "image/png" }), "x.png");
    notImage.set("display_name", "Should not stick");
    const badAvatar = await updateCredentials(olga.token, notImage);
    expect(badAvatar.status).toBe(422);

    const after = await actorDocument(olga.uri);
    expect(after.icon).toEqual(before.icon);
    expect(after.name).toEqual(before.name);
    expect([after.attachment].flat().map((f: { name: string }) => f.name)).toEqual(["Website", "Team", "Organization"]);
  });

  it("followers on other servers get the new profile through Update", async () => {
    await masto.follow("mara", olga.uri);
    const form = new FormData();
    form.set("fields_attributes[0][name]", "Team");
    form.set("fields_attributes[0][value]", "Logistics");
    expect((await updateCredentials(olga.token, form)).status).toBe(200);
    await eventually(() => masto.received.some((r) => r.type === "Update" && r.actor === olga.uri && r.objectId === olga.uri));
  });
});
