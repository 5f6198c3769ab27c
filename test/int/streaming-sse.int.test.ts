// Streaming over Server-Sent Events, as apps that do not speak WebSocket use
// it: user, hashtag and list streams, `update`, `notification` and `delete`
// events, and refused tokens; the list stream over WebSocket too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  a = await startInstance();
  alice = await a.user("alice");
  bob = await a.user("bob");
  const bobId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
  await a.api(alice.token, "POST", `/api/v1/accounts/${bobId}/follow`);
});

afterAll(async () => {
  await a?.close();
});

interface SseEvent {
  event: string;
  data: string;
}

/** Opens an SSE stream and collects events until `done` says enough (or 10 s pass). */
async function collect(path: string, token: string, act: () => Promise<void>, done: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${a.origin}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  const timer = setTimeout(() => controller.abort(), 10_000);
  await act();
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data !== undefined) events.push({ event, data });
      }
    }
  } catch {
    // aborted: the events so far are the answer
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe("server-sent events", () => {
  it("streams the user timeline and notifications", async () => {
    let postId = "";
    const events = await collect(
      "/api/v1/streaming/user",
      alice.token,
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        postId = (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "hello @alice" })).body.id;
      },
      (e) => e.some((x) => x.event === "update") && e.some((x) => x.event === "notification"),
    );
    const update = events.find((e) => e.event === "update")!;
    expect(JSON.parse(update.data).id).toBe(postId);
    const notification = JSON.parse(events.find((e) => e.event === "notification")!.data);
    expect(notification).toMatchObject({ type: "mention", status: { id: postId } });
  });

  it("streams a hashtag and a deletion", async () => {
    let postId = "";
    const events = await collect(
      "/api/v1/streaming/hashtag?tag=Pallets",
      alice.token,
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        postId = (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "new #pallets" })).body.id;
        await new Promise((r) => setTimeout(r, 1500));
        await a.api(bob.token, "DELETE", `/api/v1/statuses/${postId}`);
      },
      (e) => e.some((x) => x.event === "delete"),
    );
    expect(events.filter((e) => e.event === "update").map((e) => JSON.parse(e.data).id)).toEqual([postId]);
    expect(events.find((e) => e.event === "delete")!.data).toBe(postId);
  });

  it("streams a list's timeline", async () => {
    const bobId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
    const list = (await a.api(alice.token, "POST", "/api/v1/lists", { title: "Bob" })).body;
    await a.api(alice.token, "POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [bobId] });
    let postId = "";
    const events = await collect(
      `/api/v1/streaming/list?list=${list.id}`,
      alice.token,
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        postId = (await a.api(bob.token, "POST", "/api/v1/statuses", { status: "for my list readers" })).body.id;
      },
      (e) => e.some((x) => x.event === "update"),
    );
    expect(JSON.parse(events.find((e) => e.event === "update")!.data).id).toBe(postId);
  });

  it("refuses a missing or bad token, and a hashtag stream without a tag", async () => {
    expect((await fetch(`${a.origin}/api/v1/streaming/user`)).status).toBe(401);
    expect((await fetch(`${a.origin}/api/v1/streaming/user?access_token=nope`)).status).toBe(401);
    const noTag = await fetch(`${a.origin}/api/v1/streaming/hashtag`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(noTag.status).toBe(422);
  });
});

describe("the list stream over WebSocket", () => {
  it("streams a list's posts to a client that subscribed with its id", async () => {
    const bobId = (await a.api(alice.token, "GET", "/api/v1/accounts/lookup?acct=bob")).body.id;
    const list = (await a.api(alice.token, "POST", "/api/v1/lists", { title: "Bob over ws" })).body;
    await a.api(alice.token, "POST", `/api/v1/lists/${list.id}/accounts`, { account_ids: [bobId] });
    const ws = new WebSocket(`${a.origin.replace(/^http/, "ws")}/api/v1/streaming`, { headers: { authorization: `Bearer ${alice.token}` } });
    const messages: Array<{ stream: string[]; event: string; payload: string }> = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    ws.send(JSON.stringify({ type: "subscribe", stream: "list", list: list.id }));
    await new Promise((r) => setTimeout(r, 300));
    const post = await a.api(bob.token, "POST", "/api/v1/statuses", { status: "over the socket" });
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m.event === "update") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    const update = messages.find((m) => m.event === "update")!;
    expect(update.stream).toEqual(["list"]);
    expect(JSON.parse(update.payload).id).toBe(post.body.id);
  });
});
