// Outboxes as other servers page them: a person's public posts as Create
// activities and a group's as its Announces, newest first, 40 a page, with a
// true totalItems; members-only posts never listed. Activity ids of posts
// dereference to the post, with the same visibility check as the post.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let olga: TestUser;
const AP = { accept: "application/activity+json" };

async function ap(url: string) {
  const res = await fetch(url, { headers: AP });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as any) : null };
}

beforeAll(async () => {
  [a] = (await startInstances(1)) as [TestInstance];
  olga = await a.user("olga");
  for (const [slug, visibility] of [
    ["open-shop", "public"],
    ["board", "members_only"],
  ] as const) {
    const res = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug, name: slug, visibility, joinPolicy: "open" });
    expect(res.status).toBe(201);
  }
  for (let i = 1; i <= 42; i++) {
    const body = i % 2 === 0 ? { content: `Public note ${i}` } : { group: "open-shop", content: `Shop note ${i}` };
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/posts", body)).status).toBe(201);
  }
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Board minutes: confidential" })).status).toBe(201);
});

afterAll(async () => {
  await a?.close();
});

describe("a person's outbox", () => {
  it("counts the public posts and pages them newest first, 40 at a time", async () => {
    const outbox = await ap(`${olga.uri}/outbox`);
    expect(outbox.status).toBe(200);
    expect(outbox.body.type).toBe("OrderedCollection");
    expect(outbox.body.totalItems).toBe(42);
    const first = await ap(outbox.body.first);
    expect(first.body.orderedItems).toHaveLength(40);
    expect(first.body.orderedItems[0]).toMatchObject({ type: "Create", actor: olga.uri });
    expect(first.body.orderedItems[0].object.content).toContain("Public note 42");
    const second = await ap(first.body.next);
    expect(second.body.orderedItems).toHaveLength(2);
    expect(second.body.orderedItems.at(-1).object.content).toContain("Shop note 1");
    expect(second.body.next).toBeUndefined();
    const all = [...first.body.orderedItems, ...second.body.orderedItems].map((i: any) => i.object.content).join(" ");
    expect(all).not.toContain("confidential");
  });
});

describe("a group's outbox", () => {
  it("lists the group's public posts as its Announces", async () => {
    const group = await ap(`${a.origin}/users/open-shop`);
    const outbox = await ap(group.body.outbox);
    expect(outbox.body.totalItems).toBe(21);
    const first = await ap(outbox.body.first);
    expect(first.body.orderedItems[0]).toMatchObject({ type: "Announce", actor: group.body.id });
    expect(first.body.orderedItems[0].object.content).toContain("Shop note 41");
  });

  it("a members-only group's outbox lists nothing", async () => {
    const outbox = await ap(`${a.origin}/users/board/outbox`);
    expect(outbox.body.totalItems).toBe(0);
  });
});

describe("activity ids", () => {
  async function eventIdOf(content: string): Promise<string> {
    const post = await a.app.ctx.db.selectFrom("posts").select("id").where("content_html", "like", `%${content}%`).executeTakeFirstOrThrow();
    const rows = await a.app.ctx.db.selectFrom("outbox_events").select(["activity_key", "payload"]).where("type", "=", "post.created").execute();
    return rows.find((r) => (r.payload as { postId: string }).postId === post.id)!.activity_key;
  }

  it("a public post's activity id dereferences to the activity", async () => {
    const res = await ap(`${a.origin}/activities/${await eventIdOf("Public note 42")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "Create", actor: olga.uri });
    expect(res.body.object.content).toContain("Public note 42");
  });

  it("in a public group it is the group's Announce", async () => {
    const res = await ap(`${a.origin}/activities/${await eventIdOf("Shop note 41")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "Announce", actor: `${a.origin}/users/open-shop` });
    expect(res.body.object.type).toBe("Create");
  });

  it("a members-only post's activity is 404 to an outsider, like the post", async () => {
    expect((await ap(`${a.origin}/activities/${await eventIdOf("Board minutes")}`)).status).toBe(404);
    expect((await ap(`${a.origin}/activities/99999999`)).status).toBe(404);
    expect((await ap(`${a.origin}/activities/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await ap(`${a.origin}/activities/not-a-number`)).status).toBe(404);
  });
});

describe("a thread's context collection (FEP-7888)", () => {
  it("each post names its thread's collection, which lists the thread oldest first", async () => {
    const root = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "open-shop", content: "Who has a spare vice?" });
    const reply = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: root.body.id, content: "Found one, thanks" });
    expect(reply.status).toBe(201);
    const note = await ap(reply.body.uri);
    expect(note.body.context).toBe(`${a.origin}/contexts/${root.body.id}`);
    expect((await ap(root.body.uri)).body.context).toBe(note.body.context);
    const context = await ap(note.body.context);
    expect(context.status).toBe(200);
    expect(context.body.type).toBe("OrderedCollection");
    expect(context.body.totalItems).toBe(2);
    const items = context.body.orderedItems ?? (await ap(context.body.first)).body.orderedItems;
    expect(items.map((i: { id: string }) => i.id)).toEqual([root.body.uri, reply.body.uri]);
  });

  it("a members-only thread's collection is 404 to an outsider", async () => {
    const root = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "board", content: "Budget for next year" });
    expect((await ap(`${a.origin}/contexts/${root.body.id}`)).status).toBe(404);
    expect((await ap(`${a.origin}/contexts/12345`)).status).toBe(404);
  });
});
