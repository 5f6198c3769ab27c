// An instance that joins a group late: its member sees the group's recent
// posts at once (read from the group's outbox), for a public group and for a
// members-only one (whose posts are served to member instances only).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let olga: TestUser;
let bea: TestUser;

async function postsOn(instance: TestInstance, token: string, group: string) {
  const res = await instance.api(token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(group)}/posts`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as Array<{ uri: string; contentHtml: string; author: { uri: string } }>;
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  olga = await a.user("olga");
  bea = await b.user("bea");
  for (const [slug, visibility, joinPolicy] of [
    ["makers", "public", "open"],
    ["board", "members_only", "approval"],
  ] as const) {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug, name: slug, visibility, joinPolicy })).status).toBe(201);
    for (const n of [1, 2, 3]) {
      expect((await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: slug, content: `${slug} post ${n}` })).status).toBe(201);
    }
  }
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("joining a group late", () => {
  it("the new member instance shows the public group's recent posts", async () => {
    const handle = `@makers@${a.host}`;
    expect((await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(handle)}/join`)).status).toBeLessThan(300);
    const posts = (await eventually(async () => {
      const items = await postsOn(b, bea.token, handle);
      return items.length === 3 ? items : null;
    }))!;
    expect(posts.map((p) => p.contentHtml.replace(/<[^>]+>/g, ""))).toEqual(["makers post 3", "makers post 2", "makers post 1"]);
    expect(posts.every((p) => p.author.uri === olga.uri)).toBe(true);
  });

  it("a members-only group's posts arrive once the join is approved, and not before", async () => {
    const handle = `@board@${a.host}`;
    expect((await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(handle)}/join`)).status).toBeLessThan(300);
    const pending = await eventually(async () => {
      const res = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/board/members?state=pending");
      return res.body.items.length > 0 ? res.body.items : null;
    });
    const stored = () => b.app.ctx.db.selectFrom("posts").select("uri").where("content_html", "like", "%board post%").execute();
    expect(await stored()).toEqual([]);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/groups/board/requests/${pending[0].requestId}/approve`)).status).toBe(204);
    await eventually(async () => (await stored()).length === 3);
    const items = await postsOn(b, bea.token, handle);
    expect(items.map((p) => p.contentHtml.replace(/<[^>]+>/g, ""))).toEqual(["board post 3", "board post 2", "board post 1"]);
  });
});
