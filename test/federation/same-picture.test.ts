// The same picture on every instance: a group's summary reads the same at the
// group's home and at a member's instance (sanitized HTML there, never escaped
// markup).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let b: TestInstance;
let c: TestInstance;
let olga: TestUser;
let bea: TestUser;
let cid: TestUser;

const group = () => encodeURIComponent(`@community@${a.host}`);

beforeAll(async () => {
  [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  olga = await a.user("olga");
  bea = await b.user("bea");
  cid = await c.user("cid");
  await a.api(olga.token, "POST", "/api/ecotone/v1/groups", {
    slug: "community",
    summary: "Questions & answers <for> everyone",
    visibility: "public",
    joinPolicy: "open",
  });
  for (const [instance, user] of [
    [b, bea],
    [c, cid],
  ] as const) {
    await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
    await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

describe("the same picture on every instance", () => {
  it("shows a remote group's summary as sanitized HTML, not escaped text", async () => {
    const home = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/community");
    expect(home.body.actor.summary).toBe("Questions & answers <for> everyone");
    const onB = await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${group()}`);
    expect(onB.body.actor.summary).toBe("<p>Questions &amp; answers &lt;for&gt; everyone</p>");
  });
});
