// The three-company scene the insight tests share: Acme (A) hosts a group owned
// by olga, with andy as a member and root as Acme's admin; Globex (B: gus,
// gia) and Initech (C: cara, cid) join it from their own instances. Acme may
// label Globex and Initech (partner, customer…) before anyone joins, so the
// figures record the audience each person had at the time.
import { expect } from "vitest";
import { setRole } from "../../src/services/accounts/user.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";

export interface InsightGarden {
  a: TestInstance;
  b: TestInstance;
  c: TestInstance;
  root: TestUser;
  olga: TestUser;
  andy: TestUser;
  gus: TestUser;
  gia: TestUser;
  cara: TestUser;
  cid: TestUser;
  /** `@slug@a-host`, URL-encoded: the group as every instance's API names it. */
  group(): string;
  close(): Promise<void>;
}

/** Joins the group from `instance` and waits until the home has accepted. */
export async function joinGroup(instance: TestInstance, user: TestUser, group: string): Promise<void> {
  await instance.api(user.token, "POST", `/api/ecotone/v1/groups/${group}/join`);
  await eventually(async () => (await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group}`)).body.membership?.state === "accepted");
}

/** The id on `instance` of the group post with this URI, once it has arrived there. */
export async function groupPostId(instance: TestInstance, user: TestUser, group: string, uri: string): Promise<string> {
  return eventually(async () => {
    const listed = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group}/posts`);
    const id = listed.body.items?.find((p: { uri: string }) => p.uri === uri)?.id as string | undefined;
    if (!id) throw new Error(`${uri} not on ${instance.host} yet`);
    return id;
  });
}

export async function startInsightGarden(slug: string, name: string, options: { relationships?: { b?: string; c?: string } } = {}): Promise<InsightGarden> {
  const [a, b, c] = (await startInstances(3)) as [TestInstance, TestInstance, TestInstance];
  const root = await a.user("root", { scopes: "read write follow admin:read admin:write" });
  await setRole(a.app.ctx, "root", "admin");
  for (const [peer, relationship] of [
    [b, options.relationships?.b],
    [c, options.relationships?.c],
  ] as const) {
    if (relationship) await a.api(root.token, "PUT", `/api/ecotone/v1/admin/partners/${encodeURIComponent(peer.host)}`, { relationship });
  }
  const olga = await a.user("olga");
  const andy = await a.user("andy");
  const gus = await b.user("gus");
  const gia = await b.user("gia");
  const cara = await c.user("cara");
  const cid = await c.user("cid");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug, name })).status).toBe(201);
  const group = () => encodeURIComponent(`@${slug}@${a.host}`);
  await joinGroup(a, andy, group());
  for (const [instance, user] of [
    [b, gus],
    [b, gia],
    [c, cara],
    [c, cid],
  ] as const)
    await joinGroup(instance, user, group());
  return {
    a,
    b,
    c,
    root,
    olga,
    andy,
    gus,
    gia,
    cara,
    cid,
    group,
    async close() {
      await Promise.all([a.close(), b.close(), c.close()]);
    },
  };
}
