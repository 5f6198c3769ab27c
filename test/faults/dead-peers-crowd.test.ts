// Faults: dead member hosts that nobody has heard from must not crowd out a
// healthy one (docs/performance.md, "Session 9 (faulty peers)").
//
// A has four delivery slots and a group whose members are on B (a real
// instance) and on two black holes: servers that accept the connection and
// read the request, and never answer it (GETs get a 404). A has never heard from the black holes,
// so nothing tells them from healthy peers until their response-head
// deadline (20 s here) runs out. Before, each post sent one more delivery
// to each black hole, each holding a slot until that deadline: by the second
// post every slot was held and B's deliveries waited. Now a host nobody has
// heard from gets one delivery at a time, and the others wait without a slot;
// B gets every post while the black holes' first requests are still open.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { addRemoteMember } from "../helpers/remote-member.ts";

interface BlackHole {
  origin: string;
  host: string;
  /** Requests read (never answered). */
  requests(): number;
  /** Requests still open: their sender has not given up. */
  open(): number;
  close(): Promise<void>;
}

/** Answers GETs (NodeInfo, documents) with 404, as a peer with nothing to say; reads every POST and never answers it. */
async function startBlackHole(): Promise<BlackHole> {
  let requests = 0;
  let open = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST") return void res.writeHead(404).end();
    requests++;
    open++;
    res.on("close", () => open--);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin: `http://${host}`,
    host,
    requests: () => requests,
    open: () => open,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The slots are few and the head deadline long, so that a healthy delivery
// held up by the black holes would still be waiting when the test looks.
const SETTINGS = { deliveryConcurrency: 4, deliveryHeadTimeoutMs: 20_000, fetchTimeoutMs: 30_000 };

let a: TestInstance;
let b: TestInstance;
let owner: TestUser;
let bea: TestUser;
let holes: BlackHole[];
const GROUP = () => encodeURIComponent(`@mixed@${a.host}`);

/** A member on `hole`, as if it had joined (see addRemoteMember). */
async function addMemberOn(hole: BlackHole) {
  const db = a.app.ctx.db;
  const group = await db.selectFrom("actors").select("id").where("username", "=", "mixed").where("is_local", "=", true).executeTakeFirstOrThrow();
  await addRemoteMember(db, { peer: hole, username: "gone", groupId: group.id, groupSlug: "mixed" });
}

beforeAll(async () => {
  a = await startInstance(SETTINGS);
  b = await startInstance(SETTINGS);
  owner = await a.user("owner");
  bea = await b.user("bea");
  expect((await a.api(owner.token, "POST", "/api/ecotone/v1/groups", { slug: "mixed", joinPolicy: "open", visibility: "public" })).status).toBe(201);
  expect([200, 202]).toContain((await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${GROUP()}/join`)).status);
  await eventually(async () => (await a.api(owner.token, "GET", "/api/ecotone/v1/groups/mixed/members")).body.items.length === 2);
  holes = [await startBlackHole(), await startBlackHole()];
  for (const hole of holes) await addMemberOn(hole);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), ...(holes ?? []).map((h) => h.close())]);
});

describe("black holes nobody has heard from, beside a healthy member", () => {
  it("get one delivery each at a time, and do not keep the healthy member from getting every post", async () => {
    const onB = async (content: string) => {
      const res = await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${GROUP()}/posts`);
      return (res.body.items as Array<{ contentHtml: string }>).some((p) => p.contentHtml.includes(content));
    };
    const post = async (content: string) => expect((await a.api(owner.token, "POST", "/api/ecotone/v1/posts", { group: "mixed", content })).status).toBe(201);
    await post("first");
    await eventually(() => holes.every((h) => h.open() === 1));
    // Each post after the first would add a delivery per black hole, each
    // holding a slot: after the second, none would be left for B.
    for (const content of ["second", "third", "fourth"]) {
      await post(content);
      await eventually(() => onB(content), 15_000);
    }
    // B had them all while each black hole still held its first delivery,
    // never cut: B did not wait for their deadline, and they got no second one.
    for (const hole of holes) {
      expect(hole.requests()).toBe(1);
      expect(hole.open()).toBe(1);
    }
  });
});
