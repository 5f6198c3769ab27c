// docs/security.md, finding 39: signed reads were decided from the key id's
// host, while the dispatchers act for the verified key *owner*. Fedify links a
// key and its owner wherever each is served, so a blocked member instance
// signing with a key document served from another host still read a
// members-only group's posts. Now a key must be on its owner's origin, and the
// policy is asked about the owner's host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveActor } from "../../src/services/accounts/actor.service.ts";
import { blockHost } from "../../src/services/organizations/federation-policy.service.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let member: HostilePeer;
let keyHost: HostilePeer;
let olga: TestUser;
let postUri: string;
let ownKeyId: string;
let keyElsewhere: string;

async function signedGet(url: string, keyId: string) {
  const signed = await member.sign(url, null, keyId, { method: "GET" });
  const res = await fetch(url, { method: "GET", headers: signed.headers });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  a = await startInstance();
  member = await startHostilePeer();
  keyHost = await startHostilePeer();
  olga = await a.user("olga");
  expect((await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "vault", visibility: "members_only", joinPolicy: "approval" })).status).toBe(201);
  // A person of the member instance belongs to the vault (as after an approved join).
  const pia = await member.addActor("pia");
  ownKeyId = pia.keyId;
  const piaRow = await resolveActor(a.app.ctx, pia.uri);
  const vault = await a.app.ctx.db.selectFrom("actors").select("id").where("username", "=", "vault").where("is_local", "=", true).executeTakeFirstOrThrow();
  await a.app.ctx.db
    .insertInto("follows")
    .values({
      id: "7000000000000000002",
      follower_id: piaRow.id,
      followee_id: vault.id,
      state: "accepted",
      activity_uri: `${member.origin}/follows/1`,
      accepted_at: new Date(),
    })
    .execute();
  const post = await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "vault", content: "VAULT-SECRET-WORDS" });
  expect(post.status).toBe(201);
  postUri = post.body.uri;

  // The member instance's actor, an Application whose key document is served by another host.
  const pem = (pia.json.publicKey as { publicKeyPem: string }).publicKeyPem;
  const actorUri = `${member.origin}/users/instance`;
  keyElsewhere = `${keyHost.origin}/key`;
  await member.addActor("instance", { type: "Application", publicKey: { id: keyElsewhere, type: "CryptographicKey", owner: actorUri, publicKeyPem: pem } });
  keyHost.serve("/key", {
    "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
    id: keyElsewhere,
    type: "CryptographicKey",
    owner: actorUri,
    publicKeyPem: pem,
  });
});

afterAll(async () => {
  await Promise.all([a?.close(), member?.close(), keyHost?.close()]);
});

describe("a signed read whose key is served by another host than its owner's", () => {
  it("control: a member signing with the key in its own actor document reads the members-only post", async () => {
    const read = await signedGet(postUri, ownKeyId);
    expect(read.status).toBe(200);
    expect(read.body).toContain("VAULT-SECRET-WORDS");
  });

  it("is nobody: the same member instance, with its key elsewhere, reads nothing", async () => {
    const read = await signedGet(postUri, keyElsewhere);
    expect(read.status).toBe(404);
    expect(read.body).not.toContain("VAULT-SECRET-WORDS");
  });

  it("after the member's host is blocked, neither its own key nor a key elsewhere reads anything", async () => {
    await blockHost(a.app.ctx, member.host);
    expect((await signedGet(postUri, ownKeyId)).status).toBe(403);
    const attack = await signedGet(postUri, keyElsewhere);
    expect(attack.status).toBe(404);
    expect(attack.body).not.toContain("VAULT-SECRET-WORDS");
  });
});
