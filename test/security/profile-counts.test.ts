// Review s8, findings 46, 47 and 48 (docs/security.md): doors beside a
// profile's lists that told outsiders what the lists hide — featured tags
// counting DMs and followers-only posts, account counts including secret
// memberships and posts, a mention linking a secret group's name. Each
// attack runs beside the honest case that must keep working.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let ada: TestUser;
let bob: TestUser;
let max: TestUser;
let out: TestUser;

async function accountId(user: TestUser): Promise<string> {
  return (await a.api(user.token, "GET", "/api/v1/accounts/verify_credentials")).body.id;
}

beforeAll(async () => {
  a = await startInstance();
  [ada, bob, max, out] = [await a.user("ada"), await a.user("bob"), await a.user("max"), await a.user("out")];
  expect((await a.api(ada.token, "POST", "/api/ecotone/v1/groups", { slug: "den", name: "The Den", visibility: "secret", joinPolicy: "invite" })).status).toBe(
    201,
  );
  expect((await a.api(ada.token, "POST", "/api/ecotone/v1/groups", { slug: "plaza", name: "Plaza", visibility: "public", joinPolicy: "open" })).status).toBe(
    201,
  );
}, 120_000);
afterAll(async () => a?.close());

describe("46: featured hashtags", () => {
  it("count only the posts anyone may see, and a secret group's id is not found", async () => {
    expect((await a.api(ada.token, "POST", "/api/v1/featured_tags", { name: "merger" })).status).toBe(200);
    const id = await accountId(ada);
    // Honest: a public and an unlisted post with the tag are counted.
    expect((await a.api(ada.token, "POST", "/api/v1/statuses", { status: "#merger in the open", visibility: "public" })).status).toBe(200);
    expect((await a.api(ada.token, "POST", "/api/v1/statuses", { status: "#merger quietly", visibility: "unlisted" })).status).toBe(200);
    const open = (await a.api(null, "GET", `/api/v1/accounts/${id}/featured_tags`)).body;
    expect(open[0].statuses_count).toBe("2");
    const lastOpen = open[0].last_status_at;
    expect(lastOpen).not.toBeNull();
    // Attack: a DM, a followers-only post and a secret-group post with the tag must not move the counter.
    expect((await a.api(ada.token, "POST", "/api/v1/statuses", { status: "@bob #merger talks start Monday", visibility: "direct" })).status).toBe(200);
    expect((await a.api(ada.token, "POST", "/api/v1/statuses", { status: "#merger followers only", visibility: "private" })).status).toBe(200);
    expect((await a.api(ada.token, "POST", "/api/ecotone/v1/posts", { group: "den", content: "#merger in the den" })).status).toBeLessThan(300);
    const after = (await a.api(null, "GET", `/api/v1/accounts/${id}/featured_tags`)).body;
    expect(after[0].statuses_count).toBe("2");
    expect(after[0].last_status_at).toBe(lastOpen);

    const den = (await a.api(ada.token, "GET", "/api/v1/accounts/lookup?acct=den")).body.id as string;
    expect((await a.api(ada.token, "GET", `/api/v1/accounts/${den}/featured_tags`)).status).toBe(200);
    expect((await a.api(out.token, "GET", `/api/v1/accounts/${den}/featured_tags`)).status).toBe(404);
    expect((await a.api(null, "GET", `/api/v1/accounts/${den}/featured_tags`)).status).toBe(404);
  }, 60_000);
});

describe("47: mentions", () => {
  it("of a secret group an author cannot see stay plain text; people and visible groups still link and notify", async () => {
    const real = await a.api(out.token, "POST", "/api/v1/statuses", { status: "hello @den", visibility: "direct" });
    const none = await a.api(out.token, "POST", "/api/v1/statuses", { status: "hello @nosuchgroup", visibility: "direct" });
    expect(real.status).toBe(200);
    expect(real.body.content).not.toContain("/users/den");
    expect(real.body.mentions).toEqual([]);
    expect(real.body.content).toBe(none.body.content.replace("nosuchgroup", "den"));

    // Honest: a member of the den, a person and a public group.
    const member = await a.api(ada.token, "POST", "/api/v1/statuses", { status: "see @den", visibility: "direct" });
    expect(member.body.content).toContain("/users/den");
    const honest = await a.api(out.token, "POST", "/api/v1/statuses", { status: "hi @bob, see @plaza" });
    expect(honest.body.content).toContain("/users/bob");
    expect(honest.body.content).toContain("/users/plaza");
    expect(honest.body.mentions.map((m: { username: string }) => m.username).sort()).toEqual(["bob", "plaza"]);
    const notes = (await a.api(bob.token, "GET", "/api/v1/notifications?types[]=mention")).body as Array<{ status?: { id: string } }>;
    expect(notes.some((n) => n.status?.id === honest.body.id)).toBe(true);
  }, 60_000);
});

describe("48: account counts", () => {
  it("count the memberships and posts the lists show, not secret ones or DMs", async () => {
    const id = await accountId(max);
    // Honest: a public group's membership and a public post are counted, and listed.
    expect((await a.api(max.token, "POST", "/api/ecotone/v1/groups/plaza/join")).status).toBeLessThan(300);
    expect((await a.api(max.token, "POST", "/api/v1/statuses", { status: "hello world" })).status).toBe(200);
    const before = (await a.api(null, "GET", `/api/v1/accounts/${id}`)).body;
    expect(before.following_count).toBe(1);
    expect(before.statuses_count).toBe(1);
    const lastBefore = before.last_status_at;
    expect(lastBefore).not.toBeNull();
    expect((await a.api(null, "GET", `/api/v1/accounts/${id}/following`)).body).toHaveLength(1);

    // Attack: max joins the secret den, writes there and sends a DM: the counts do not move.
    await a.api(ada.token, "POST", "/api/ecotone/v1/groups/den/invites", { target: max.handle });
    expect((await a.api(max.token, "POST", "/api/ecotone/v1/groups/den/join")).status).toBeLessThan(300);
    expect((await a.api(max.token, "POST", "/api/ecotone/v1/posts", { group: "den", content: "in the den" })).status).toBeLessThan(300);
    expect((await a.api(max.token, "POST", "/api/v1/statuses", { status: "@ada psst", visibility: "direct" })).status).toBe(200);
    const after = (await a.api(null, "GET", `/api/v1/accounts/${id}`)).body;
    expect((await a.api(null, "GET", `/api/v1/accounts/${id}/following`)).body).toHaveLength(1);
    expect((await a.api(null, "GET", `/api/v1/accounts/${id}/statuses`)).body).toHaveLength(1);
    expect(after.following_count).toBe(1);
    expect(after.statuses_count).toBe(1);
    expect(after.last_status_at).toBe(lastBefore);
  }, 60_000);

  it("agree with what an anonymous profile lists, for every account (one rule, not a second copy)", async () => {
    expect((await a.api(ada.token, "POST", "/api/ecotone/v1/posts", { group: "plaza", content: "in the plaza" })).status).toBeLessThan(300);
    for (const user of [ada, bob, max, out]) {
      const id = await accountId(user);
      const account = (await a.api(null, "GET", `/api/v1/accounts/${id}`)).body;
      const statuses = (await a.api(null, "GET", `/api/v1/accounts/${id}/statuses?limit=40`)).body as unknown[];
      const following = (await a.api(null, "GET", `/api/v1/accounts/${id}/following?limit=80`)).body as unknown[];
      expect([user.handle, account.statuses_count, account.following_count]).toEqual([user.handle, statuses.length, following.length]);
    }
  }, 60_000);
});

describe("52: who boosted a post shared into a group", () => {
  async function sharedBy(token: string | null, statusId: string) {
    const res = await a.api(token, "GET", `/api/v1/statuses/${statusId}/reblogged_by`);
    expect(res.status).toBe(200);
    return (res.body as Array<{ acct: string }>).map((x) => x.acct);
  }

  it("names a public group to anyone, a secret one only to its members, and the count moves for neither", async () => {
    // Honest: shared into the public plaza, the plaza is listed among the boosters.
    const open = (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "quarterly numbers", visibility: "public" })).body;
    expect((await a.api(ada.token, "POST", `/api/ecotone/v1/posts/${open.id}/share`, { group: "plaza" })).status).toBeLessThan(300);
    expect(await sharedBy(null, open.id)).toContain("plaza");
    // A person's boost is still counted and listed.
    expect((await a.api(out.token, "POST", `/api/v1/statuses/${open.id}/reblog`)).status).toBe(200);
    expect(await sharedBy(null, open.id)).toContain("out");
    expect((await a.api(null, "GET", `/api/v1/statuses/${open.id}`)).body.reblogs_count).toBe(1);

    // Attack: shared into the secret den, outsiders learn nothing of the den.
    const post = (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "competitor's press release", visibility: "public" })).body;
    expect((await a.api(ada.token, "POST", `/api/ecotone/v1/posts/${post.id}/share`, { group: "den" })).status).toBeLessThan(300);
    expect((await a.api(null, "GET", "/api/v1/accounts/lookup?acct=den")).status).toBe(404);
    expect(await sharedBy(null, post.id)).not.toContain("den");
    expect(await sharedBy(out.token, post.id)).not.toContain("den");
    expect((await a.api(null, "GET", `/api/v1/statuses/${post.id}`)).body.reblogs_count).toBe(0);
    // Its members still see who shared it.
    expect(await sharedBy(ada.token, post.id)).toContain("den");
  }, 60_000);
});

describe("53: reply counts", () => {
  it("count the replies anyone may see, not a DM or followers-only reply", async () => {
    const post = (await a.api(ada.token, "POST", "/api/v1/statuses", { status: "open question", visibility: "public" })).body;
    // Honest: a public reply is counted and listed.
    expect((await a.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada public answer", visibility: "public", in_reply_to_id: post.id })).status).toBe(
      200,
    );
    // Attack: a direct and a followers-only reply, hidden from /context, must not move the counter.
    expect(
      (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada privately: I resign", visibility: "direct", in_reply_to_id: post.id })).status,
    ).toBe(200);
    expect(
      (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada for my followers", visibility: "private", in_reply_to_id: post.id })).status,
    ).toBe(200);
    const context = (await a.api(null, "GET", `/api/v1/statuses/${post.id}/context`)).body;
    expect(context.descendants.length).toBe(1);
    expect((await a.api(null, "GET", `/api/v1/statuses/${post.id}`)).body.replies_count).toBe(1);
  }, 60_000);

  it("count a members-only group's replies for its members, and nothing leaks to outsiders", async () => {
    // max is a member of the secret den (48 above); bob and out are not.
    const posted = await a.api(ada.token, "POST", "/api/ecotone/v1/posts", { group: "den", content: "who owns the budget?" });
    expect(posted.status).toBeLessThan(300);
    const question = (await a.api(ada.token, "GET", `/api/v1/statuses/${posted.body.id}`)).body;
    expect(question.content).toContain("who owns the budget");
    const reply = await a.api(max.token, "POST", "/api/v1/statuses", { status: "@ada I do", in_reply_to_id: question.id });
    expect(reply.status).toBe(200);
    // Honest: the members see the reply in the thread and in the count.
    for (const member of [ada, max]) {
      expect((await a.api(member.token, "GET", `/api/v1/statuses/${question.id}/context`)).body.descendants).toHaveLength(1);
      expect((await a.api(member.token, "GET", `/api/v1/statuses/${question.id}`)).body.replies_count).toBe(1);
    }
    // Attack: outsiders learn nothing, not even that the post exists.
    expect((await a.api(out.token, "GET", `/api/v1/statuses/${question.id}`)).status).toBe(404);
    expect((await a.api(null, "GET", `/api/v1/statuses/${question.id}`)).status).toBe(404);
  }, 60_000);
});
