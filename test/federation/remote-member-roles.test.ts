// Roles on a remote group's members page. The home's members collection says
// no roles; its group document names a moderators collection (FEP-1b12:
// `attributedTo`), and the member instance reads it from the group's own
// server to show who moderates (owners among them: the collection does not
// tell them apart). A document that names a collection on another server is
// not believed: the page then shows no roles and says so in one line, rather
// than showing everyone as a plain member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance } from "../helpers/instances.ts";
import { PASSWORD, WebVisitor } from "../helpers/web-visitor.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { joinGroup } from "../../src/services/groups/group.service.ts";

let a: TestInstance;
let b: TestInstance;
let bea: WebVisitor;
const group = () => encodeURIComponent(`@crowd@${a.host}`);

/** Each member line of the page: the name shown and its badge ("" for none). */
function memberLines(html: string): Array<[string, string]> {
  const list = /<ul class="member-list">([^]*?)<\/ul>/.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<li>([^]*?)<\/li>/g)].map((m) => [
    /<a href="\/u\/[^"]+">([^<]+)<\/a>/.exec(m[1]!)?.[1] ?? "",
    /<span class="badge">([^<]+)<\/span>\s*$/.exec(m[1]!)?.[1] ?? "",
  ]);
}

beforeAll(async () => {
  a = await startInstance();
  b = await startInstance();
  const olga = await a.user("olga");
  const beaUser = await b.user("bea");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "crowd", name: "Crowd", visibility: "public" })).status).toBe(201);
  for (const username of ["mo", "pat"]) {
    await createUser(a.app.ctx, { username });
    await joinGroup(a.app.ctx, username, "crowd");
  }
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups/crowd/roles", { target: "@mo", role: "moderator" })).status).toBeLessThan(300);
  await b.api(beaUser.token, "POST", `/api/ecotone/v1/groups/${group()}/join`);
  await eventually(async () => (await b.api(beaUser.token, "GET", `/api/ecotone/v1/groups/${group()}`)).body.membership?.state === "accepted");
  bea = new WebVisitor(b.origin);
  expect((await bea.signIn("bea", PASSWORD)).status).toBe(303);
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe("roles on a remote group's members page", () => {
  it("shows the moderators the home's own moderators collection names (its owner among them), the others as members", async () => {
    const html = (await bea.get(`/g/${group()}/members`)).text_;
    expect(new Map(memberLines(html))).toEqual(
      new Map([
        ["olga", "moderator"],
        ["mo", "moderator"],
        ["pat", "member"],
        ["bea", "member"],
      ]),
    );
    expect(html).not.toContain("Roles are not shown");
  });

  it("believes no moderators collection on another server: no roles, and one line that says so", async () => {
    const groups = b.app.ctx.db.selectFrom("actors").where("uri", "=", `${a.origin}/users/crowd`);
    const { raw } = await groups.select("raw").executeTakeFirstOrThrow();
    // The document names B's own copy of someone's collection: a list B would trust if it asked no origin.
    const forged = { ...(raw as Record<string, unknown>), attributedTo: `${b.origin}/users/bea/followers` };
    await b.app.ctx.db
      .updateTable("actors")
      .set({ raw: JSON.stringify(forged) })
      .where("uri", "=", `${a.origin}/users/crowd`)
      .execute();
    const html = (await bea.get(`/g/${group()}/members`)).text_;
    expect(html).toContain("Roles are not shown: the group's home");
    expect(memberLines(html).map(([, badge]) => badge)).toEqual(["", "", "", ""]);
  });
});
