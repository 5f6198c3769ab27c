// The worked example of docs/support.md works: the receiver in
// docs/examples/ticket-receiver.ts opens one ticket per question asked,
// verifying each delivery, and refuses a forged one.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTicketReceiver, type Ticket } from "../../docs/examples/ticket-receiver.ts";
import { eventually, freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let olga: TestUser;
let bea: TestUser;
let server: Server;
let port: number;
const tickets: Ticket[] = [];

beforeAll(async () => {
  a = await startInstance();
  olga = await a.user("olga");
  bea = await a.user("bea");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "support", name: "Support" });
  await a.api(bea.token, "POST", "/api/ecotone/v1/groups/support/join");
  port = await freePort();
  const hook = await a.api(olga.token, "POST", "/api/ecotone/v1/webhooks", {
    url: `http://127.0.0.1:${port}/ecotone`,
    group: "support",
    events: ["question.asked"],
  });
  expect(hook.status).toBe(201);
  server = await startTicketReceiver({ secret: hook.body.secret, port, openTicket: async (t) => void tickets.push(t) });
});

afterAll(async () => {
  server?.close();
  await a?.close();
});

describe("the ticket receiver example", () => {
  it("opens one ticket for a question, with its text, asker and link", async () => {
    const asked = await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", kind: "question", content: "My order 4711 never arrived" });
    await a.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: "support", content: "Just a post, no ticket" });
    await eventually(() => tickets.length === 1);
    expect(tickets[0]).toMatchObject({ subject: "My order 4711 never arrived", requester: bea.handle, link: asked.body.url });
  });

  it("refuses a delivery whose signature does not match", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/ecotone`, {
      method: "POST",
      headers: { "webhook-id": "msg_forged", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,AAAA" },
      body: JSON.stringify({ type: "question.asked", data: { question: { text: "forged", uri: "x", url: null, author: null } } }),
    });
    expect(res.status).toBe(401);
    expect(tickets.map((t) => t.body)).not.toContain("forged");
  });
});
