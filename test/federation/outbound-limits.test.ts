// Outbound requests: private addresses are refused in production mode, and a
// peer that never finishes its answer cannot hold a request past its deadline.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let production: TestInstance;
let impatient: TestInstance;
let peer: TestInstance;
let bob: TestUser;
let slowServer: Server;
let slowOrigin: string;

beforeAll(async () => {
  peer = await startInstance();
  bob = await peer.user("bob");
  // As if on https in production: loopback and private addresses are off limits.
  production = await startInstance({ allowPrivateAddresses: false });
  impatient = await startInstance({ fetchTimeoutMs: 1_000 });

  const port = await freePort();
  slowOrigin = `http://127.0.0.1:${port}`;
  slowServer = createServer((_req, res) => {
    // Send headers, then drip one byte a second, never finishing.
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.write("{");
    const timer = setInterval(() => res.write(" "), 1_000);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => slowServer.listen(port, "127.0.0.1", resolve));
});

afterAll(async () => {
  slowServer?.closeAllConnections();
  await new Promise<void>((resolve) => (slowServer ? slowServer.close(() => resolve()) : resolve()));
  await Promise.all([production?.close(), impatient?.close(), peer?.close()]);
});

describe("outbound safety", () => {
  it("refuses to fetch an actor on a loopback address when private addresses are not allowed", async () => {
    const carol = await production.user("carol");
    const res = await production.api(carol.token, "POST", "/api/ecotone/v1/follows", { target: bob.uri });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/could not fetch|not an actor/i);
    const cached = await production.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", bob.uri).execute();
    expect(cached).toEqual([]);
  });

  it("also refuses the plain-http WebFinger shortcut for loopback handles in production mode", async () => {
    const dan = await production.user("dan");
    const res = await production.api(dan.token, "POST", "/api/ecotone/v1/follows", { target: bob.handle });
    expect(res.status).toBe(404);
  });

  it("gives up on a peer that drips its answer once the deadline passes", async () => {
    const erin = await impatient.user("erin");
    const started = Date.now();
    const res = await impatient.api(erin.token, "POST", "/api/ecotone/v1/follows", {
      target: `${slowOrigin}/users/slow`,
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(404);
    // The deadline is 1 s; allow generous slack for a busy machine, far below
    // the 300 s undici would otherwise wait.
    expect(elapsed).toBeLessThan(10_000);
  });
});
