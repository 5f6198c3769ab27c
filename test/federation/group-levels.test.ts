// Issue 15: a group's home publishes its members' reputation levels to member
// instances (docs/federation.md, "Reputation levels"). The home states them in
// the group's actor document and sends an Update when they change; a member
// instance reads them from the home's own copy only, for the home's members
// only, and shows them next to names in that group. Beside each control, the
// attack: a peer that is not the home claiming levels for the group's members,
// and a home claiming a level for someone who is not its member.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { WebVisitor } from "../helpers/web-visitor.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "../security/hostile-peer.ts";

const NS = "https://ecotone.social/ns#";
const LEVEL_CONTEXT = {
  ecotone: NS,
  memberLevels: { "@id": "ecotone:memberLevels", "@container": "@set" },
  member: { "@id": "ecotone:member", "@type": "@id" },
  level: "ecotone:level",
};

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let ann: TestUser;
let bea: TestUser;
let bob: TestUser;
let forumUri: string;
const forum = () => encodeURIComponent(`@forum@${a.host}`);

type Entry = { actor: { uri: string; username: string }; level: string; score: number | null; levelFrom: string };
const reputationOn = async (instance: TestInstance, user: TestUser, group: string) => {
  const r = await instance.api(user.token, "GET", `/api/ecotone/v1/groups/${group}/reputation`);
  expect(r.status).toBe(200);
  return r.body as Entry[];
};

beforeAll(async () => {
  // Levels are published at most once a second here (ten minutes by default).
  a = await startInstance({ levelsPublishMs: 1_000 });
  b = await startInstance({ levelsPublishMs: 1_000 });
  peer = await startHostilePeer();
  olga = await a.user("olga");
  ann = await a.user("ann");
  bea = await b.user("bea");
  bob = await b.user("bob");
  const created = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "forum", name: "Forum", visibility: "public" });
  expect(created.status).toBe(201);
  forumUri = created.body.actor.uri;
  await a.api(ann.token, "POST", "/api/ecotone/v1/groups/forum/join");
  await b.api(bea.token, "POST", `/api/ecotone/v1/groups/${forum()}/join`);
  await eventually(async () => (await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${forum()}`)).body.membership?.state === "accepted");
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("reputation levels from the group's home", () => {
  it("are published by the home and shown by the member instance next to names, in the API and on the group's page", async () => {
    // Before the home says anything, the member instance computes levels itself.
    expect((await reputationOn(b, bea, forum())).every((e) => e.levelFrom === "here")).toBe(true);

    // Bea (instance B) answers Olga's question and the answer is accepted: 5 points, a contributor at the home.
    const question = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "forum", kind: "question", content: "How do I export the ledger?" });
    expect(question.status).toBe(201);
    const onB = await eventually(async () => {
      const listed = await b.api(bea.token, "GET", `/api/ecotone/v1/groups/${forum()}/posts`);
      return listed.body.items?.find((p: { uri: string }) => p.uri === question.body.uri)?.id as string | undefined;
    });
    const answer = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onB, content: "Reports → Ledger → Export" });
    expect(answer.status).toBe(201);
    await eventually(
      async () => (await a.api(olga.token, "POST", `/api/ecotone/v1/posts/${question.body.id}/accept`, { answer: answer.body.uri })).status === 200,
    );
    const tip = await b.api(bea.token, "POST", "/api/ecotone/v1/posts", { group: `@forum@${a.host}`, content: "Tip: exports can be scheduled" });
    expect(tip.status).toBe(201);

    // The home's own document states it…
    const document = await eventually(async () => {
      const res = await fetch(forumUri, { headers: { accept: "application/activity+json" } });
      const json = (await res.json()) as { memberLevels?: Array<{ member: string; level: string }> };
      expect(json.memberLevels).toEqual([{ member: bea.uri, level: "contributor" }]);
      return json as Record<string, unknown>;
    }, 60_000);
    expect(JSON.stringify(document["@context"])).toContain(`${NS}`);

    // …and the member instance shows the home's level, said to be the home's.
    const entries = await eventually(async () => {
      const r = await reputationOn(b, bea, forum());
      expect(r.map((e) => [e.actor.uri, e.level, e.levelFrom])).toEqual([[bea.uri, "contributor", "home"]]);
      return r;
    }, 60_000);
    expect(entries[0]!.score).toBeNull();

    const web = new WebVisitor(b.origin);
    await web.signIn("bea", "correct horse battery staple");
    const page = await eventually(async () => {
      const html = (await web.get(`/g/${forum()}`)).text_;
      expect(html).toContain("Tip: exports can be scheduled");
      return html;
    });
    const card = page.slice(page.lastIndexOf('<article class="post"', page.indexOf("Tip: exports can be scheduled")));
    expect(card.slice(0, card.indexOf("</header>"))).toContain('class="badge level-badge"');
    expect(card.slice(0, card.indexOf("</header>"))).toContain("Contributor");
  }, 180_000);

  it("are not taken from a peer that is not the group's home, whatever it claims", async () => {
    const mallory = await peer.addActor("mallory");
    // A Group document for the home's group, embedded in mallory's own Update.
    const claimed = {
      "@context": [AS_CONTEXT, LEVEL_CONTEXT],
      id: forumUri,
      type: "Group",
      preferredUsername: "forum",
      inbox: `${forumUri}/inbox`,
      memberLevels: [{ member: ann.uri, level: "trusted" }],
    };
    const embedded = await peer.post(
      `${b.origin}/inbox`,
      { "@context": [AS_CONTEXT, LEVEL_CONTEXT], id: `${peer.origin}/updates/1`, type: "Update", actor: mallory.uri, object: claimed },
      mallory.keyId,
    );
    expect(embedded.status).toBeLessThan(500);
    // The same Update claiming to be the group's, signed with mallory's key.
    const forged = await peer.post(
      `${b.origin}/inbox`,
      { "@context": [AS_CONTEXT, LEVEL_CONTEXT], id: `${peer.origin}/updates/2`, type: "Update", actor: forumUri, object: claimed },
      mallory.keyId,
    );
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    // Control: what the home said stands; ann is not "trusted" anywhere on B.
    const entries = await reputationOn(b, bea, forum());
    expect(entries.map((e) => [e.actor.uri, e.level])).toEqual([[bea.uri, "contributor"]]);
    const stored = await b.app.ctx.db.selectFrom("group_levels").select(["member_uri", "level"]).where("member_uri", "=", ann.uri).execute();
    expect(stored).toEqual([]);
  });

  it("are taken from a home only for its members: a level it claims for anyone else is ignored", async () => {
    // A hostile server hosts its own group, which bob (instance B) joins.
    const evil = await peer.addActor("evil", { type: "Group", followers: `${peer.origin}/users/evil/followers` });
    peer.handle("/users/evil/inbox", async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      res.writeHead(202).end();
      const follow = JSON.parse(body) as { id: string; type: string; actor: string };
      if (follow.type !== "Follow") return;
      await peer.post(
        `${b.origin}/users/bob/inbox`,
        { "@context": AS_CONTEXT, id: `${peer.origin}/accepts/${encodeURIComponent(follow.id)}`, type: "Accept", actor: evil.uri, object: follow.id },
        evil.keyId,
      );
    });
    const members = { "@context": AS_CONTEXT, id: `${peer.origin}/users/evil/followers`, type: "OrderedCollection", totalItems: 1, orderedItems: [bob.uri] };
    peer.serve("/users/evil/followers", members);
    const evilGroup = encodeURIComponent(evil.uri);
    expect((await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${evilGroup}/join`)).status).toBeLessThan(300);
    await eventually(async () => (await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${evilGroup}`)).body.membership?.state === "accepted");

    // Its document states a level for its member bob (control) and for ann, who is not its member (attack).
    const stated = {
      ...evil.json,
      "@context": [...(evil.json["@context"] as unknown[]), LEVEL_CONTEXT],
      memberLevels: [
        { member: bob.uri, level: "trusted" },
        { member: ann.uri, level: "trusted" },
        { member: bea.uri, level: "wizard" },
      ],
    };
    peer.serve("/users/evil", stated);
    const update = await peer.post(
      `${b.origin}/inbox`,
      { "@context": AS_CONTEXT, id: `${peer.origin}/updates/evil-1`, type: "Update", actor: evil.uri, object: stated },
      evil.keyId,
    );
    expect(update.status).toBe(202);
    const entries = await eventually(async () => {
      const r = await reputationOn(b, bob, evilGroup);
      expect(r.map((e) => [e.actor.uri, e.level, e.levelFrom])).toEqual([[bob.uri, "trusted", "home"]]);
      return r;
    }, 60_000);
    expect(entries.some((e) => e.actor.uri === ann.uri)).toBe(false);
    // Not kept either (the API lists only people this instance has met).
    const kept = await b.app.ctx.db
      .selectFrom("group_levels")
      .innerJoin("actors", "actors.id", "group_levels.group_id")
      .select(["member_uri", "level"])
      .where("actors.uri", "=", evil.uri)
      .execute();
    expect(kept).toEqual([{ member_uri: bob.uri, level: "trusted" }]);
    // The hostile home's claims stay in its own group: the forum's levels are the forum home's.
    expect((await reputationOn(b, bea, forum())).map((e) => [e.actor.uri, e.level])).toEqual([[bea.uri, "contributor"]]);
  }, 120_000);
});
