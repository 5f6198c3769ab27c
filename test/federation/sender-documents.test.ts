// A repeat sender's key and actor document are not parsed again for each of
// its activities, nor an activity for each of Fedify's passes (ADR 0131), and a document the sender changed is read as it
// is now: a key its actor stops listing is refused at once, beside the honest
// activities signed with the key it lists.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import jsonld from "@fedify/vocab-runtime/jsonld";
import { CryptographicKey, Person } from "@fedify/vocab";
import { generateCryptoKeyPair } from "@fedify/fedify";
import { startFakePeer, type FakePeer } from "../helpers/fake-peer.ts";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";

let b: TestInstance;
let peer: FakePeer;
let bob: TestUser;

beforeAll(async () => {
  // No signed-fetch cache: every key-ownership check fetches the actor again,
  // so only the parse memo can spare its parse.
  b = await startInstance({ signedFetchCacheMs: 0 });
  peer = await startFakePeer();
  bob = await b.user("bob");
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all([b?.close(), peer?.close()]);
});

function follow(actor: string, id: string) {
  return { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Follow", actor, object: bob.uri };
}

function undo(actor: string, id: string, followId: string) {
  return { "@context": "https://www.w3.org/ns/activitystreams", id, type: "Undo", actor, object: follow(actor, followId) };
}

async function follows(actorUri: string): Promise<number> {
  const rows = await b.app.ctx.db
    .selectFrom("follows")
    .innerJoin("actors", "actors.id", "follows.follower_id")
    .select("follows.id")
    .where("actors.uri", "=", actorUri)
    .execute();
  return rows.length;
}

/** The ids of the documents JSON-LD expanded while `work` runs, one per expansion. */
async function expansions(work: () => Promise<void>): Promise<string[]> {
  const expand = vi.spyOn(jsonld, "expand");
  try {
    await work();
    return expand.mock.calls.map((call: unknown[]) => (call[0] as { id?: string } | null)?.id ?? "");
  } finally {
    expand.mockRestore();
  }
}

const count = (ids: string[], of: string[]) => ids.filter((id) => of.includes(id)).length;

describe("a repeat sender's documents", () => {
  it("are parsed for its first activity only", async () => {
    const carol = await peer.addActor("carol");
    const documents = [carol.uri, carol.keyId];
    const first = await expansions(async () => {
      const res = await peer.post(`${b.origin}/users/bob/inbox`, follow(carol.uri, `${peer.origin}/follows/carol-1`), carol.keyId);
      expect(res.status).toBeLessThan(300);
      await eventually(async () => (await follows(carol.uri)) === 1);
    });
    expect(count(first, documents)).toBeGreaterThan(0);

    const undoId = `${peer.origin}/undos/carol-1`;
    const again = await expansions(async () => {
      const res = await peer.post(`${b.origin}/users/bob/inbox`, undo(carol.uri, undoId, `${peer.origin}/follows/carol-1`), carol.keyId);
      expect(res.status).toBeLessThan(300);
      await eventually(async () => (await follows(carol.uri)) === 0);
    });
    // Without the memo: two for every activity (the actor document in the
    // key-ownership check, through Object.fromJsonLd then Person.fromJsonLd).
    expect(count(again, documents)).toBe(0);
    // The activity itself parsed once (two expansions: as an Activity, then
    // as the Undo it is), not for each of Fedify's three parses (two in the
    // POST, one in the queue's worker): six without the memo.
    expect(count(again, [undoId])).toBe(2);
  });

  it("refuses a key the actor no longer lists, though its old document was parsed before", async () => {
    const dave = await peer.addActor("dave");
    const honest = await peer.post(`${b.origin}/users/bob/inbox`, follow(dave.uri, `${peer.origin}/follows/dave-1`), dave.keyId);
    expect(honest.status).toBeLessThan(300);
    await eventually(async () => (await follows(dave.uri)) === 1);

    // dave replaces his key: his document now lists only a new one.
    const rotated = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const person = new Person({
      id: new URL(dave.uri),
      preferredUsername: "dave",
      inbox: new URL(`${dave.uri}/inbox`),
      publicKey: new CryptographicKey({ id: new URL(`${dave.uri}#key-2`), owner: new URL(dave.uri), publicKey: rotated.publicKey }),
    });
    peer.serve("/users/dave", await person.toJsonLd({ format: "compact" }));

    // A request still signed with the old key (Fedify's key cache holds it):
    // the actor's document as it is now does not list it.
    const stale = await peer.post(`${b.origin}/users/bob/inbox`, undo(dave.uri, `${peer.origin}/undos/dave-1`, `${peer.origin}/follows/dave-1`), dave.keyId);
    expect(stale.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await follows(dave.uri)).toBe(1);
  });
});
