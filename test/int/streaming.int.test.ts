// The streaming API over a real WebSocket: updates, notifications, edits
// and deletes arrive without polling by the client; tokens are checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { revokeToken, authenticateToken } from "../../src/services/accounts/token.service.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let instance: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  instance = await startInstance();
  alice = await instance.user("alice");
  bob = await instance.user("bob");
});

afterAll(async () => {
  await instance?.close();
});

interface StreamMessage {
  stream: string[];
  event: string;
  payload: string;
}

function open(url: string, options: WebSocket.ClientOptions | string[] = {}): Promise<{ ws: WebSocket; messages: StreamMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = Array.isArray(options) ? new WebSocket(url, options) : new WebSocket(url, options);
    const messages: StreamMessage[] = [];
    ws.on("message", (data) => messages.push(JSON.parse(String(data))));
    ws.once("open", () => resolve({ ws, messages }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

async function waitFor<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const wsOrigin = () => instance.origin.replace(/^http/, "ws");

describe("streaming", () => {
  it("streams the user's home updates, notifications, edits and deletes", async () => {
    const { ws, messages } = await open(`${wsOrigin()}/api/v1/streaming?stream=user`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    const post = await instance.api(alice.token, "POST", "/api/v1/statuses", { status: "Live!" });
    const update = await waitFor(() => messages.find((m) => m.event === "update"));
    expect(update.stream).toEqual(["user"]);
    expect(JSON.parse(update.payload).id).toBe(post.body.id);

    await instance.api(bob.token, "POST", `/api/v1/statuses/${post.body.id}/favourite`);
    const notification = await waitFor(() => messages.find((m) => m.event === "notification"));
    expect(JSON.parse(notification.payload)).toMatchObject({ type: "favourite", account: { acct: "bob" } });

    await instance.api(alice.token, "PUT", `/api/v1/statuses/${post.body.id}`, { status: "Live, edited" });
    const edit = await waitFor(() => messages.find((m) => m.event === "status.update"));
    expect(JSON.parse(edit.payload).content).toContain("edited");

    await instance.api(alice.token, "DELETE", `/api/v1/statuses/${post.body.id}`);
    const deletion = await waitFor(() => messages.find((m) => m.event === "delete"));
    expect(deletion.payload).toBe(post.body.id);
    ws.close();
  });

  it("takes the token from Sec-WebSocket-Protocol or access_token, and subscribes to hashtags by message", async () => {
    const viaProtocol = await open(`${wsOrigin()}/api/v1/streaming`, [bob.token]);
    viaProtocol.ws.send(JSON.stringify({ type: "subscribe", stream: "hashtag", tag: "fair" }));
    const viaQuery = await open(`${wsOrigin()}/api/v1/streaming?stream=public:local&access_token=${bob.token}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await instance.api(alice.token, "POST", "/api/v1/statuses", { status: "See you at the #fair" });
    const tagged = await waitFor(() => viaProtocol.messages.find((m) => m.event === "update"));
    expect(tagged.stream).toEqual(["hashtag", "fair"]);
    const local = await waitFor(() => viaQuery.messages.find((m) => m.event === "update"));
    expect(local.stream).toEqual(["public:local"]);
    viaProtocol.ws.close();
    viaQuery.ws.close();
  });

  it("refuses a missing or revoked token", async () => {
    await expect(open(`${wsOrigin()}/api/v1/streaming?stream=user`)).rejects.toThrow(/401/);
    const carol = await instance.user("carol");
    const auth = await authenticateToken(instance.app.ctx, carol.token);
    await revokeToken(instance.app.ctx, auth!.tokenId);
    await expect(open(`${wsOrigin()}/api/v1/streaming?stream=user&access_token=${carol.token}`)).rejects.toThrow(/401/);
  });
});
