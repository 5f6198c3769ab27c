// Finding 50: a hostile peer sent a signed activity under an honest server's
// activity id (Mastodon's Delete ids are "<note>#delete", known to anyone who saw
// the note); the gate refused it, but Fedify's idempotence record — keyed by our
// origin and the id, not by the sender — then dropped the honest activity as
// "already processed". The inbox log, keyed by the verified sender's origin, is
// now the only record: the honest Delete applies, and an honest re-delivery is
// still applied once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../helpers/instances.ts";
import { startHostileGarden, type HostileGarden } from "./hostile-garden.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let garden: HostileGarden;
let honest: HostilePeer;
let carol: { uri: string; keyId: string };
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

const posts = (uri: string) => garden.a.app.ctx.db.selectFrom("posts").select(["id"]).where("uri", "=", uri).execute();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  garden = await startHostileGarden();
  honest = await startHostilePeer();
  carol = await honest.addActor("carol");
  const follow = await honest.post(
    `${garden.a.origin}/users/garden/inbox`,
    { "@context": AS_CONTEXT, id: `${honest.origin}/follows/garden`, type: "Follow", actor: carol.uri, object: garden.gardenUri },
    carol.keyId,
  );
  expect(follow.status).toBe(202);
  await eventually(async () => {
    const members = await garden.a.api(garden.olga.token, "GET", "/api/ecotone/v1/groups/garden/members");
    return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === carol.uri);
  });
}, 60_000);

afterAll(async () => {
  await garden?.close();
  await honest?.close();
});

async function carolPosts(n: string) {
  const note = { id: `${honest.origin}/notes/${n}`, type: "Note", attributedTo: carol.uri, to: [PUBLIC], cc: [garden.gardenUri], content: `<p>${n}</p>` };
  honest.serve(`/notes/${n}`, { "@context": AS_CONTEXT, ...note });
  const res = await honest.post(
    `${garden.a.origin}/users/garden/inbox`,
    {
      "@context": AS_CONTEXT,
      id: `${honest.origin}/notes/${n}/activity`,
      type: "Create",
      actor: carol.uri,
      to: [PUBLIC],
      cc: [garden.gardenUri],
      object: note,
    },
    carol.keyId,
  );
  expect(res.status).toBe(202);
  await eventually(async () => (await posts(note.id)).length === 1);
  return note.id;
}

function deleteOf(noteId: string, actor: string) {
  return { "@context": AS_CONTEXT, id: `${noteId}#delete`, type: "Delete", actor, to: [PUBLIC], object: { id: noteId, type: "Tombstone" } };
}

describe("an activity id claimed by a refused forgery", () => {
  it("control: carol's Delete removes her note", async () => {
    const noteId = await carolPosts("control");
    honest.serve("/notes/control", { "@context": AS_CONTEXT, id: noteId, type: "Tombstone" }, { status: 410 });
    const res = await honest.post(`${garden.a.origin}/users/garden/inbox`, deleteOf(noteId, carol.uri), carol.keyId);
    expect(res.status).toBe(202);
    await eventually(async () => (await posts(noteId)).length === 0);
  });

  it("control: carol's Create delivered twice is stored once", async () => {
    const noteId = await carolPosts("twice");
    const again = await honest.post(
      `${garden.a.origin}/users/garden/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${noteId}/activity`,
        type: "Create",
        actor: carol.uri,
        to: [PUBLIC],
        cc: [garden.gardenUri],
        object: { id: noteId, type: "Note", attributedTo: carol.uri, to: [PUBLIC], cc: [garden.gardenUri], content: "<p>twice</p>" },
      },
      carol.keyId,
    );
    expect(again.status).toBe(202);
    await sleep(500);
    expect(await posts(noteId)).toHaveLength(1);
  });

  it("attack: mallory's refused Delete under carol's id does not make carol's real Delete a duplicate", async () => {
    const noteId = await carolPosts("victim");
    // mallory, knowing the note, sends the Delete id carol's server will use.
    const forged = await garden.peer.post(`${garden.a.origin}/users/garden/inbox`, deleteOf(noteId, garden.mallory.uri), garden.mallory.keyId);
    expect(forged.status).toBe(202);
    await sleep(500);
    expect((await posts(noteId)).length).toBe(1); // the gate refused mallory, as it should
    honest.serve("/notes/victim", { "@context": AS_CONTEXT, id: noteId, type: "Tombstone" }, { status: 410 });
    const res = await honest.post(`${garden.a.origin}/users/garden/inbox`, deleteOf(noteId, carol.uri), carol.keyId);
    expect(res.status).toBe(202);
    await eventually(async () => (await posts(noteId)).length === 0);
  });
});
