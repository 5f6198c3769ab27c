// A notification (a like's, 50 a second on a busy post) is recorded and
// offered to the mail and push workers in one statement, and still only to a
// local person, never to oneself (issue 18, "Slow peer"); every kind goes the
// same way.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/schema.ts";
import { captureStatements } from "../../src/db/statement-capture.ts";
import { notify } from "../../src/services/notification.service.ts";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ({
    instance: a,
    users: { alice, bob },
  } = await startInstanceWithUsers("alice", "bob"));
});

afterAll(async () => {
  await a?.close();
});

async function favourites(user: TestUser): Promise<string[]> {
  const listed = await a.api(user.token, "GET", "/api/v1/notifications?types[]=favourite");
  expect(listed.status).toBe(200);
  return (listed.body as Array<{ account: { username: string } }>).map((n) => n.account.username);
}

describe("a like's notification", () => {
  it("is recorded and offered to the channels in one statement", async () => {
    const post = await a.api(alice.token, "POST", "/api/ecotone/v1/posts", { content: "like me" });
    expect(post.status).toBe(201);
    const db = a.app.ctx.db as Kysely<Database>;
    const { plugin, statements } = captureStatements(db);
    const postId = post.body.id as string;
    await notify(db.withPlugin(plugin), { recipientId: await actorIdOf(alice), type: "favourite", fromId: await actorIdOf(bob), postId });
    expect(statements).toHaveLength(1);
    expect(await favourites(alice)).toEqual(["bob"]);
    const channels = await db
      .selectFrom("notification_channels")
      .select("recipient_id")
      .where("recipient_id", "=", await actorIdOf(alice))
      .execute();
    expect(channels).toHaveLength(1);
  });

  it("reaches the author when someone likes their post, and nobody for their own like", async () => {
    const post = await a.api(bob.token, "POST", "/api/ecotone/v1/posts", { content: "mine" });
    expect((await a.api(bob.token, "POST", `/api/ecotone/v1/posts/${post.body.id}/like`)).status).toBe(200);
    expect(await favourites(bob)).toEqual([]);
    expect((await a.api(alice.token, "POST", `/api/ecotone/v1/posts/${post.body.id}/like`)).status).toBe(200);
    expect(await favourites(bob)).toEqual(["alice"]);
  });
});

describe("a follow request's notification", () => {
  it("takes one statement besides reading whom it is for, and is offered to the channels", async () => {
    const db = a.app.ctx.db as Kysely<Database>;
    const { plugin, statements } = captureStatements(db);
    await notify(db.withPlugin(plugin), { recipientId: await actorIdOf(bob), type: "follow_request", fromId: await actorIdOf(alice) });
    // Reading the recipient tells a group (its moderators answer) from a person.
    expect(statements).toHaveLength(2);
    const listed = await a.api(bob.token, "GET", "/api/v1/notifications?types[]=follow_request");
    expect((listed.body as Array<{ account: { username: string } }>).map((n) => n.account.username)).toEqual(["alice"]);
    const offered = await db
      .selectFrom("notification_channels as c")
      .innerJoin("notifications as n", "n.id", "c.notification_id")
      .select("n.type")
      .where("c.recipient_id", "=", await actorIdOf(bob))
      .execute();
    expect(offered.map((o) => o.type)).toContain("follow_request");
  });
});

async function actorIdOf(user: TestUser): Promise<string> {
  const db = a.app.ctx.db as Kysely<Database>;
  const row = await db.selectFrom("actors").select("id").where("uri", "=", user.uri).executeTakeFirstOrThrow();
  return row.id;
}
