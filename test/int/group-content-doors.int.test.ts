// A members-only group's content at every door that reads it through the one
// rule (`findGroupWithReadableContent`): its posts (through the Mastodon
// API's group account too), its experts, its members' reputation and "what
// matters". Anonymous callers and signed-in outsiders get
// 404, as for a group that does not exist; a member reads each (the control).
// And a group is joined, never followed: a follow would skip its join policy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let olga: TestUser; // owner
let bea: TestUser; // member
let out: TestUser; // outsider

const DOORS = ["posts", "experts", "experts?tag=billing", "reputation", "what-matters"].map((door) => `/api/ecotone/v1/groups/board/${door}`);

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bea = await a.user("bea");
  out = await a.user("out");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "board", name: "Board", visibility: "members_only" })).status).toBe(201);
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/board/join");
  const question = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "board", kind: "question", content: "Who approves #billing refunds?" });
  const answer = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: question.body.id, content: "The CFO does" });
  expect((await a.api(bea.token, "POST", `/api/ecotone/v1/posts/${question.body.id}/accept`, { answer: answer.body.id })).status).toBeLessThan(300);
});

afterAll(async () => {
  await a?.close();
});

describe("following a group instead of joining it", () => {
  it("is refused with the way to join, and a secret group is as absent as one that does not exist; a person is followed (control)", async () => {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "vault", name: "Vault", visibility: "secret" })).status).toBe(201);
    const secret = await a.api(out.token, "POST", "/api/ecotone/v1/follows", { target: `@vault@${a.host}` });
    expect(secret.status).toBe(404);
    expect(JSON.stringify(secret.body)).not.toContain("Vault");
    const board = await a.api(out.token, "POST", "/api/ecotone/v1/follows", { target: `@board@${a.host}` });
    expect(board.status).toBe(422);
    expect(board.body.error.message).toMatch(/join/);
    const groups = await a.app.ctx.db.selectFrom("actors").select("id").where("username", "in", ["vault", "board"]).where("type", "=", "Group").execute();
    const follows = await a.app.ctx.db
      .selectFrom("follows")
      .innerJoin("actors", "actors.id", "follows.follower_id")
      .select("follows.id")
      .where("actors.username", "=", "out")
      .where(
        "follows.followee_id",
        "in",
        groups.map((g) => g.id),
      )
      .execute();
    expect(follows).toEqual([]);
    expect((await a.api(out.token, "POST", "/api/ecotone/v1/follows", { target: bea.handle })).status).toBeLessThan(300);
  });
});

describe("a members-only group's content", () => {
  it("is 404 to anonymous callers and to outsiders at every door, as a group that does not exist", async () => {
    for (const path of DOORS) {
      expect([path, (await a.api(null, "GET", path)).status]).toEqual([path, 404]);
      expect([path, (await a.api(out.token, "GET", path)).status]).toEqual([path, 404]);
    }
  });

  it("lists nothing to outsiders through the Mastodon API's group account either, not even public posts shared into it", async () => {
    const own = await a.api(olga.token, "POST", "/api/v1/statuses", { status: "A public note shared into the board", visibility: "public" });
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${own.body.id}/share`, { group: "board" })).status).toBeLessThan(300);
    const account = (await a.api(null, "GET", "/api/v1/accounts/lookup?acct=board")).body.id;
    for (const token of [null, out.token]) {
      const listed = await a.api(token, "GET", `/api/v1/accounts/${account}/statuses`);
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([]);
    }
    // The control: a member sees the shared post on the group's timeline.
    const forMember = await a.api(bea.token, "GET", `/api/v1/accounts/${account}/statuses`);
    expect(forMember.body.map((s: { id: string; reblog: { id: string } | null }) => s.reblog?.id ?? s.id)).toContain(own.body.id);
  });

  it("is read by a member at each door (control); the accepted answer makes its author the expert", async () => {
    for (const path of DOORS) expect([path, (await a.api(bea.token, "GET", path)).status]).toEqual([path, 200]);
    const experts = await a.api(bea.token, "GET", "/api/ecotone/v1/groups/board/experts?tag=billing");
    expect(experts.body.items.map((e: { actor: { uri: string } }) => e.actor.uri)).toEqual([olga.uri]);
  });
});

describe("a secret group's timeline", () => {
  it("is 404 to anonymous callers and outsiders at both APIs (Ecotone posts, Mastodon account statuses), even for the exclude_reblogs view; a member reads it (control)", async () => {
    expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "den", name: "Den", visibility: "secret" })).status).toBe(201);
    const post = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "den", content: "Den minutes" });
    expect(post.status).toBeLessThan(300);
    const lookup = await a.api(olga.token, "GET", `/api/v1/accounts/lookup?acct=den`);
    expect(lookup.status).toBe(200);
    const paths = [
      `/api/ecotone/v1/groups/${lookup.body.id}/posts`,
      `/api/v1/accounts/${lookup.body.id}/statuses`,
      `/api/v1/accounts/${lookup.body.id}/statuses?exclude_reblogs=true`,
    ];
    for (const path of paths) {
      for (const token of [null, out.token]) {
        const res = await a.api(token, "GET", path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(JSON.stringify(res.body)).not.toContain("Den minutes");
      }
    }
    const own = await a.api(olga.token, "GET", paths[0]!);
    expect(own.body.items.map((p: { id: string }) => p.id)).toContain(post.body.id);
    const statuses = await a.api(olga.token, "GET", paths[1]!);
    expect(statuses.body.map((s: { id: string; reblog: { id: string } | null }) => s.reblog?.id ?? s.id)).toContain(post.body.id);
    expect((await a.api(olga.token, "GET", paths[2]!)).status).toBe(200);
  });
});

describe("a task assigned to someone who then leaves the group", () => {
  it("is no longer listed among their tasks, in the API or on the page; listed while they belong (control)", async () => {
    const task = await a.api(olga.token, "POST", "/api/ecotone/v1/groups/board/tasks", { title: "Sign the board minutes" });
    expect(task.status).toBe(201);
    expect((await a.api(olga.token, "POST", `/api/ecotone/v1/tasks/${task.body.id}/assignees`, { assignee: bea.handle })).status).toBeLessThan(300);
    const mine = async () => ((await a.api(bea.token, "GET", "/api/ecotone/v1/me/tasks")).body.items as Array<{ title: string }>).map((t) => t.title);
    const web = new WebVisitor(a.origin);
    await web.signIn("bea", "correct horse battery staple");
    expect(await mine()).toContain("Sign the board minutes");
    expect((await web.get("/me/tasks")).text_).toContain("Sign the board minutes");

    expect((await a.api(bea.token, "POST", "/api/ecotone/v1/groups/board/leave")).status).toBeLessThan(300);
    expect(await mine()).not.toContain("Sign the board minutes");
    expect((await web.get("/me/tasks")).text_).not.toContain("Sign the board minutes");
  });
});
