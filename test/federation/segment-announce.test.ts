// Issue 15: an announcement addressed to a segment reaches exactly the
// segment's members, on their own instances, as a direct word to each of
// them (no one learns who else got it), and nobody else: not the people of
// another company in the same group, not the sender's colleagues.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let root: TestUser; // Acme's admin, the sender
let andy: TestUser; // Acme
let gus: TestUser; // Globex
let gia: TestUser; // Globex
let cara: TestUser; // Initech
const group = () => encodeURIComponent(`@support@${a.host}`);
const TEXT = "Maintenance window on Saturday 06:00-08:00 UTC";

type Notification = { type: string; status?: { uri: string; content: string; visibility: string } };
const mentions = async (instance: TestInstance, user: TestUser) =>
  ((await instance.api(user.token, "GET", "/api/v1/notifications?types[]=mention")).body as Notification[]).filter((n) =>
    n.status?.content.includes("Maintenance"),
  );

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  root = await a.user("root", { scopes: "read write follow admin:read admin:write" });
  await setRole(a.app.ctx, "root", "admin");
  andy = await a.user("andy");
  gus = await b.user("gus");
  gia = await b.user("gia");
  cara = await c.user("cara");
  expect((await a.api(root.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support" })).status).toBe(201);
  for (const [instance, user] of [
    [a, andy],
    [b, gus],
    [b, gia],
    [c, cara],
  ] as const) {
    await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
    await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("an announcement to a segment", () => {
  let initech: string;
  it("reaches exactly the segment's members on their instances, each alone", async () => {
    const segment = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Globex", filter: { organizations: [b.host] } });
    expect(segment.status).toBe(201);
    const members = await a.api(root.token, "GET", `/api/ecotone/v1/segments/${segment.body.id}/members`);
    expect(members.body.items.map((m: { handle: string }) => m.handle).sort()).toEqual([gia.handle, gus.handle].sort());

    const sent = await a.api(root.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/announce`, { text: TEXT });
    expect(sent.status).toBe(201);
    expect(sent.body.sent).toBe(2);

    for (const user of [gus, gia]) {
      const got = await eventually(async () => {
        const n = await mentions(b, user);
        return n.length > 0 ? n : undefined;
      });
      expect(got!).toHaveLength(1);
      expect(got![0]!.status).toMatchObject({ visibility: "direct" });
      // Each is named alone: nobody learns who else is in the segment.
      const other = user === gus ? gia : gus;
      expect(got![0]!.status!.content).not.toContain(other.handle.split("@")[1]);
    }
    // Not the other company in the same group, not the sender's colleague.
    expect(await mentions(c, cara)).toEqual([]);
    expect(await mentions(a, andy)).toEqual([]);
    // Nor anyone through the group: the posts are no group's.
    const posts = await a.api(root.token, "GET", `/api/ecotone/v1/groups/support/posts`);
    expect(posts.body.items.some((p: { content?: string }) => p.content?.includes("Maintenance"))).toBe(false);
  });

  it("refuses an empty text, someone else's segment, and sends nothing then", async () => {
    const segment = await a.api(root.token, "POST", "/api/ecotone/v1/segments", { name: "Initech", filter: { organizations: [c.host] } });
    const empty = await a.api(root.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/announce`, { text: "   " });
    expect(empty.status).toBe(422);
    expect((await a.api(root.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/announce`, {})).status).toBe(422);
    const stranger = await a.api(andy.token, "POST", `/api/ecotone/v1/segments/${segment.body.id}/announce`, { text: TEXT });
    expect(stranger.status).toBe(404);
    // A signed word to the control: once it arrives, nothing before it did.
    const control = await a.api(root.token, "POST", "/api/ecotone/v1/posts", {
      content: `${cara.handle} Maintenance notes are on the wiki`,
      visibility: "direct",
    });
    expect(control.status).toBe(201);
    const got = await eventually(async () => {
      const n = await mentions(c, cara);
      return n.length > 0 ? n : undefined;
    });
    expect(got!.map((n) => n.status!.uri)).toEqual([control.body.uri]);
    initech = segment.body.id;
  });

  it("is sent from the segment's page too", async () => {
    const web = new WebVisitor(a.origin);
    await web.signIn("root", "correct horse battery staple");
    const page = await web.get(`/segments/${initech}`);
    expect(page.text_).toContain(cara.handle);
    expect(page.text_).toContain("Send to 1 person");
    const sent = await web.post(`/segments/${initech}/announce`, { text: "Maintenance is over" });
    expect(await web.flashAfter(sent)).toContain("Announcement sent to 1 person");
    await eventually(async () => (await mentions(c, cara)).some((n) => n.status!.content.includes("Maintenance is over")));
    expect((await web.get("/segments")).text_).toContain(`/segments/${initech}`);
  });
});
