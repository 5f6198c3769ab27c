// Two companies may carry the same name (two "Ecotone"s: both test instances
// keep the default organization name). In "Companies in this group" each is
// then told apart by its domain; a name shown once stays without one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { setOwnOrganization } from "../../src/services/organizations/organization.service.ts";
import { cliActor } from "../../src/services/organizations/audit.service.ts";
import { Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
let b: TestInstance;
let alice: TestUser;
let bob: TestUser;

/** The "Companies in this group" list of the group's page, one line per company. */
async function companies(v: Visitor, path: string): Promise<string[]> {
  const page = (await v.get(path)).text_;
  const start = page.indexOf('<ul class="companies">');
  expect(start).toBeGreaterThan(-1);
  const list = page.slice(start, page.indexOf("</ul>", start));
  return [...list.matchAll(/<li>([^]*?)<\/li>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim(),
  );
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  alice = await a.user("alice");
  bob = await b.user("bob");
  await a.api(alice.token, "POST", "/api/ecotone/v1/groups", { slug: "yard", visibility: "public", joinPolicy: "open" });
  const ref = encodeURIComponent(`@yard@${a.host}`);
  await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${ref}/join`);
  await eventually(async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${ref}`)).body.membership?.state === "accepted");
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("companies with the same name", () => {
  it("shows each one's domain beside the shared name, and none once the names differ", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("alice");
    await eventually(async () => (await companies(v, "/g/yard")).length === 2);
    expect((await companies(v, "/g/yard")).sort()).toEqual([`Ecotone us ${a.host} · 1 member`, `Ecotone ${b.host} · 1 member`].sort());

    await setOwnOrganization(a.app.ctx, cliActor(a.app.ctx), { name: "Acme" });
    const lines = await companies(v, "/g/yard");
    expect(lines).toContain("Acme us · 1 member");
    expect(lines).toContain("Ecotone · 1 member");
  });
});
