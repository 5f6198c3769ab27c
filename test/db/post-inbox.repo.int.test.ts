// An incoming post's tombstone check, inbox-log record and row in one
// statement (ADR 0107): on PGlite, and on PostgreSQL when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { insertIncomingPost } from "../../src/db/repos/post-inbox.repo.ts";
import { insertTombstone } from "../../src/db/repos/post.repo.ts";
import { openTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
const authorId = "author-1";
const actorUri = "https://remote.example/users/ann";

beforeAll(async () => {
  handle = await openTestDatabase();
  await handle.db
    .insertInto("actors")
    .values({
      id: authorId,
      uri: actorUri,
      type: "Person",
      username: "ann",
      domain: "remote.example",
      is_local: false,
      name: null,
      summary: null,
      url: null,
      icon_url: null,
      inbox_url: null,
      shared_inbox_url: null,
      outbox_url: null,
      followers_url: null,
      following_url: null,
      raw: null,
      fetched_at: null,
      gone_at: null,
      header_url: null,
      fields: null,
    })
    .execute();
});

afterAll(async () => {
  await handle?.close();
});

function post(n: string, content = `<p>Shipment ${n}</p>`) {
  const uri = `${actorUri}/notes/${n}`;
  return {
    id: `post-${n}-${Math.random().toString(36).slice(2)}`,
    uri,
    author_id: authorId,
    group_id: null,
    in_reply_to_uri: null,
    thread_uri: uri,
    type: "Note",
    title: null,
    content_html: content,
    source_text: null,
    summary: null,
    sensitive: false,
    language: "en",
    url: null,
    visibility: "public" as const,
    is_local: false,
    published_at: new Date("2026-12-01T10:00:00Z"),
    raw: null,
  };
}

const activity = (n: string) => ({ uri: `${actorUri}/notes/${n}/activity`, type: "Create", actorUri });

async function stored(uri: string) {
  const posts = await handle.db.selectFrom("posts").select(["uri", "content_html", "published_at", "sensitive", "visibility"]).where("uri", "=", uri).execute();
  const log = await handle.db.selectFrom("inbox_activities").select(["origin", "activity_uri"]).where("activity_uri", "like", `${uri}%`).execute();
  return { posts, log };
}

describe("insertIncomingPost", () => {
  it("writes the post and its inbox-log record together, with the values as given", async () => {
    const row = post("1");
    expect(await insertIncomingPost(handle.db, activity("1"), row)).toBe("stored");
    const { posts, log } = await stored(row.uri);
    expect(posts).toEqual([{ uri: row.uri, content_html: "<p>Shipment 1</p>", published_at: row.published_at, sensitive: false, visibility: "public" }]);
    expect(log).toEqual([{ origin: "https://remote.example", activity_uri: activity("1").uri }]);
  });

  it("writes nothing for a re-delivery of the same activity", async () => {
    const row = post("2");
    await insertIncomingPost(handle.db, activity("2"), row);
    expect(await insertIncomingPost(handle.db, activity("2"), { ...post("2", "<p>changed</p>") })).toBe("duplicate");
    const { posts, log } = await stored(row.uri);
    expect(posts.map((p) => p.content_html)).toEqual(["<p>Shipment 2</p>"]);
    expect(log).toHaveLength(1);
  });

  it("logs another activity carrying a post it already has, and leaves the post as it was", async () => {
    const row = post("3");
    await insertIncomingPost(handle.db, activity("3"), row);
    const other = { ...activity("3"), uri: `${actorUri}/notes/3/activity-again` };
    expect(await insertIncomingPost(handle.db, other, post("3", "<p>overwritten?</p>"))).toBe("logged");
    const { posts, log } = await stored(row.uri);
    expect(posts.map((p) => p.content_html)).toEqual(["<p>Shipment 3</p>"]);
    expect(log.map((l) => l.activity_uri).sort()).toEqual([activity("3").uri, other.uri].sort());
  });

  it("writes nothing, not even the log record, for a post deleted before it arrived", async () => {
    const row = post("4");
    await insertTombstone(handle.db, row.uri);
    expect(await insertIncomingPost(handle.db, activity("4"), row)).toBe("tombstoned");
    expect(await stored(row.uri)).toEqual({ posts: [], log: [] });
  });

  it("leaves no log record when the post cannot be written, so a retry still applies it", async () => {
    const broken = { ...post("5"), author_id: "no-such-actor" };
    await expect(insertIncomingPost(handle.db, activity("5"), broken)).rejects.toThrow();
    expect(await stored(broken.uri)).toEqual({ posts: [], log: [] });
    expect(await insertIncomingPost(handle.db, activity("5"), post("5"))).toBe("stored");
    expect((await stored(broken.uri)).posts).toHaveLength(1);
  });

  it("takes part in a caller's transaction: a rollback leaves neither row", async () => {
    const row = post("6");
    await expect(
      handle.db.transaction().execute(async (trx) => {
        expect(await insertIncomingPost(trx, activity("6"), row)).toBe("stored");
        throw new Error("a side write failed");
      }),
    ).rejects.toThrow("a side write failed");
    expect(await stored(row.uri)).toEqual({ posts: [], log: [] });
  });
});
