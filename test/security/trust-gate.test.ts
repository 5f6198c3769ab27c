// Issue 11, classes 1–7: what a hostile server tried, and the one trust gate
// (src/federation/inbox/gate.ts, src/domain/trust.rules.ts) that now stops
// it. Two real instances (A is the groups' home, B a member instance) and a
// hostile peer that signs with its own keys. Each test sends the attack and
// the honest control side by side: the attack changes nothing, the control
// still works.
import { generateCryptoKeyPair, signObject } from "@fedify/fedify";
import { Create, Multikey, Note, Person, PUBLIC_COLLECTION } from "@fedify/vocab";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockHost, forgetHost } from "../../src/services/organizations/federation-policy.service.ts";
import { resolveActor } from "../../src/services/accounts/actor.service.ts";
import { eventually, startInstances, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

let a: TestInstance;
let b: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let bob: TestUser;
let vaultUri: string;
let mallory: { uri: string; keyId: string };
let evil: { uri: string; keyId: string };
let olgaSecret: { id: string; uri: string };
let n = 0;
const next = () => (n += 1);

/** Every activity queued for the inbox so far has been handled once. */
async function settled(instance: TestInstance) {
  await eventually(async () => {
    const rows = await instance.app.ctx.db.selectFrom("fedify_queue").select("message").where("queue", "=", "inbox").execute();
    return rows.every((r) => ((r.message as { attempt?: number }).attempt ?? 0) > 0);
  });
}

function postByUri(instance: TestInstance, uri: string) {
  return instance.app.ctx.db.selectFrom("posts").select(["id", "author_id", "group_id", "content_html"]).where("uri", "=", uri).executeTakeFirst();
}

async function postsContaining(instance: TestInstance, text: string) {
  return instance.app.ctx.db.selectFrom("posts").select("uri").where("content_html", "like", `%${text}%`).execute();
}

beforeAll(async () => {
  [a, b] = (await startInstances(2)) as [TestInstance, TestInstance];
  peer = await startHostilePeer();
  olga = await a.user("olga");
  bob = await b.user("bob");
  const vault = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "vault", visibility: "members_only", joinPolicy: "open" });
  vaultUri = vault.body.actor.uri;
  await b.api(bob.token, "POST", `/api/ecotone/v1/groups/${encodeURIComponent(`@vault@${a.host}`)}/join`);
  await eventually(async () => (await a.api(olga.token, "GET", "/api/ecotone/v1/groups/vault/members")).body.items.length === 2);
  olgaSecret = (await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "vault", content: "Olga's members-only plan" })).body;
  await eventually(async () => (await postByUri(b, olgaSecret.uri)) !== undefined);
  mallory = await peer.addActor("mallory");
  evil = await peer.addActor("evil", { type: "Group", followers: `${peer.origin}/users/evil/followers` });
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), peer?.close()]);
});

describe("class 1: a group nobody here joined cannot speak as one of our users", () => {
  it("stores nothing when a rogue Group announces a note attributed to a local user, on the home and on a member instance", async () => {
    for (const [target, victim] of [
      [a, olga],
      [b, bob],
    ] as const) {
      const words = `forged words ${next()}`;
      for (const id of [`${peer.origin}/notes/${n}`, `${target.origin}/posts/99999999999999${String(n).padStart(5, "0")}`]) {
        const res = await peer.post(
          `${target.origin}/inbox`,
          {
            "@context": AS_CONTEXT,
            id: `${evil.uri}/announces/${next()}`,
            type: "Announce",
            actor: evil.uri,
            to: [PUBLIC_COLLECTION.href],
            object: { id, type: "Note", attributedTo: victim.uri, to: [PUBLIC_COLLECTION.href, vaultUri], content: words },
          },
          evil.keyId,
        );
        expect(res.status).toBeLessThan(300);
      }
      await settled(target);
      expect(await postsContaining(target, words)).toEqual([]);
      const statuses = await target.api(
        victim.token,
        "GET",
        `/api/v1/accounts/${(await target.api(victim.token, "GET", "/api/v1/accounts/verify_credentials")).body.id}/statuses`,
      );
      expect(JSON.stringify(statuses.body)).not.toContain(words);
    }
  });

  it("control: a member's real post in the group reaches the home and the member instance", async () => {
    const post = await b.api(bob.token, "POST", "/api/ecotone/v1/posts", { group: `@vault@${a.host}`, content: "Bob's real words" });
    expect(post.status).toBe(201);
    await eventually(async () => (await postByUri(a, post.body.uri)) !== undefined);
  });
});

describe("class 2: the federation policy is decided from the verified actor", () => {
  let signer: { uri: string; keyId: string; privateKey: CryptoKey };

  beforeAll(async () => {
    // An actor whose activities carry an Object Integrity Proof (FEP-8b32)
    // and no HTTP signature, so no header names who sent them.
    const keys = await generateCryptoKeyPair("Ed25519");
    const uri = `${peer.origin}/users/prover`;
    const keyId = `${uri}#ed25519-key`;
    const person = new Person({
      id: new URL(uri),
      preferredUsername: "prover",
      inbox: new URL(`${uri}/inbox`),
      assertionMethods: [new Multikey({ id: new URL(keyId), controller: new URL(uri), publicKey: keys.publicKey })],
    });
    peer.serve("/users/prover", await person.toJsonLd({ format: "compact" }));
    signer = { uri, keyId, privateKey: keys.privateKey };
  });

  async function sendProven(words: string): Promise<Response> {
    const id = next();
    const create = new Create({
      id: new URL(`${signer.uri}/activities/${id}`),
      actor: new URL(signer.uri),
      to: PUBLIC_COLLECTION,
      cc: new URL(olga.uri),
      object: new Note({
        id: new URL(`${signer.uri}/notes/${id}`),
        attribution: new URL(signer.uri),
        to: PUBLIC_COLLECTION,
        cc: new URL(olga.uri),
        content: words,
      }),
    });
    const signed = await signObject(create, signer.privateKey, new URL(signer.keyId));
    return fetch(`${a.origin}/inbox`, {
      method: "POST",
      headers: { "content-type": "application/activity+json" },
      body: JSON.stringify(await signed.toJsonLd({ format: "compact" })),
    });
  }

  it("refuses a proof-signed activity from a blocked server although no header names it; the same server is heard once unblocked", async () => {
    await blockHost(a.app.ctx, peer.host);
    await sendProven("proven while blocked");
    await settled(a);
    expect(await postsContaining(a, "proven while blocked")).toEqual([]);

    // Control: the same kind of delivery, from the same server, unblocked.
    await forgetHost(a.app.ctx, peer.host);
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // the policy cache lives 5 s
    const res = await sendProven("proven while allowed");
    expect(res.status).toBeLessThan(300);
    await eventually(async () => (await postsContaining(a, "proven while allowed")).length === 1);
  });
});

describe("class 3: no server can claim another server's activity ids", () => {
  // Each row: an activity sent once with an id on another server (the attack:
  // refused, its id never recorded, nothing changes) and once with an id of
  // the peer's own (the control: it takes effect).
  interface Row {
    type: string;
    foreignId: () => string;
    send: (id: string) => Promise<unknown>;
    effect: () => Promise<number>;
  }
  let publicPost: { id: string; uri: string };
  let controlLike: string;
  const inbox = () => `${a.origin}/inbox`;
  const status = async () => (await a.api(olga.token, "GET", `/api/v1/statuses/${publicPost.id}`)).body as { favourites_count: number; reblogs_count: number };
  /** Mallory's follows of Olga (an accepted Follow adds one). */
  const followers = async () =>
    (
      await a.app.ctx.db
        .selectFrom("follows")
        .innerJoin("actors as follower", "follower.id", "follows.follower_id")
        .innerJoin("actors as followee", "followee.id", "follows.followee_id")
        .select("follows.follower_id")
        .where("follower.uri", "=", mallory.uri)
        .where("followee.uri", "=", olga.uri)
        .execute()
    ).length;
  const rows: Row[] = [
    {
      type: "Like",
      foreignId: () => `${b.origin}/likes/${crypto.randomUUID()}`,
      send: (id) => peer.post(inbox(), { "@context": AS_CONTEXT, id, type: "Like", actor: mallory.uri, object: publicPost.uri }, mallory.keyId),
      effect: async () => (await status()).favourites_count,
    },
    {
      // Undoes the control Like: an Undo is believed only under the sender's own id.
      type: "Undo",
      foreignId: () => `${b.origin}/activities/${next()}`,
      send: (id) => peer.post(inbox(), { "@context": AS_CONTEXT, id, type: "Undo", actor: mallory.uri, object: controlLike }, mallory.keyId),
      effect: async () => 1 - (await status()).favourites_count,
    },
    {
      type: "Follow",
      foreignId: () => `${a.origin}/follows/${next()}`,
      send: (id) => peer.post(inbox(), { "@context": AS_CONTEXT, id, type: "Follow", actor: mallory.uri, object: olga.uri }, mallory.keyId),
      effect: followers,
    },
    {
      type: "Announce",
      foreignId: () => `${b.origin}/shares/${next()}`,
      send: (id) =>
        peer.post(
          inbox(),
          { "@context": AS_CONTEXT, id, type: "Announce", actor: mallory.uri, object: publicPost.uri, to: [PUBLIC_COLLECTION.href] },
          mallory.keyId,
        ),
      effect: async () => (await status()).reblogs_count,
    },
  ];

  beforeAll(async () => {
    publicPost = (await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { content: "Olga's public words" })).body;
  });

  it.each(rows)("refuses a $type whose id is on another origin and records no id; the same with the peer's own id takes effect", async (row) => {
    const foreign = row.foreignId();
    const before = await row.effect();
    await row.send(foreign);
    await settled(a);
    expect(await a.app.ctx.db.selectFrom("inbox_activities").select("activity_uri").where("activity_uri", "=", foreign).execute()).toEqual([]);
    expect(await row.effect()).toBe(before);

    const own = `${peer.origin}/${row.type.toLowerCase()}s/${next()}`;
    if (row.type === "Like") controlLike = own;
    await row.send(own);
    await eventually(async () => (await row.effect()) === before + 1);
  });

  it("mints random activity ids, so none can be claimed in advance", async () => {
    const publicPost = (await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { content: "like me" })).body;
    const fetched = await b.api(bob.token, "GET", `/api/v2/search?q=${encodeURIComponent(publicPost.uri)}&resolve=true`);
    const onB = fetched.body.statuses[0];
    await b.api(bob.token, "POST", `/api/v1/statuses/${onB.id}/favourite`);
    const like = await b.app.ctx.db.selectFrom("likes").select("activity_uri").executeTakeFirstOrThrow();
    expect(like.activity_uri).toMatch(/\/likes\/[0-9a-f-]{36}$/);
    const events = await b.app.ctx.db.selectFrom("outbox_events").select("activity_key").execute();
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.activity_key).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("class 4: outsiders cannot put posts into a remote group on a member's instance", () => {
  it("keeps a members-only Create addressed to A's group, sent straight to B, out of B; a public one is kept only as its author's own", async () => {
    const hidden = `${peer.origin}/notes/${next()}`;
    await peer.post(
      `${b.origin}/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${peer.origin}/creates/${next()}`,
        type: "Create",
        actor: mallory.uri,
        to: [vaultUri, `${vaultUri}/followers`],
        object: {
          id: hidden,
          type: "Note",
          attributedTo: mallory.uri,
          to: [vaultUri, `${vaultUri}/followers`],
          audience: vaultUri,
          content: "planted in the vault",
        },
      },
      mallory.keyId,
    );
    const shown = `${peer.origin}/notes/${next()}`;
    await peer.post(
      `${b.origin}/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${peer.origin}/creates/${next()}`,
        type: "Create",
        actor: mallory.uri,
        to: [PUBLIC_COLLECTION.href, vaultUri],
        object: {
          id: shown,
          type: "Note",
          attributedTo: mallory.uri,
          to: [PUBLIC_COLLECTION.href, vaultUri],
          audience: vaultUri,
          content: "public, naming the vault",
        },
      },
      mallory.keyId,
    );
    await settled(b);
    expect(await postByUri(b, hidden)).toBeUndefined();
    const kept = await postByUri(b, shown);
    expect(kept?.group_id ?? null).toBeNull();
    const timeline = await b.api(bob.token, "GET", `/api/ecotone/v1/groups/${encodeURIComponent(`@vault@${a.host}`)}/posts`);
    expect(JSON.stringify(timeline.body)).not.toContain("naming the vault");
    // Control: the group's own relay of Olga's post is in the group on B.
    expect((await postByUri(b, olgaSecret.uri))?.group_id).not.toBeNull();
  });
});

describe("class 5: outsiders cannot reply into members-only threads", () => {
  it("refuses a stranger's reply to a members-only post, however addressed, and takes a member's", async () => {
    for (const inbox of [`${a.origin}/inbox`, `${a.origin}/users/vault/inbox`, `${a.origin}/users/olga/inbox`]) {
      const id = `${peer.origin}/notes/${next()}`;
      await peer.post(
        inbox,
        {
          "@context": AS_CONTEXT,
          id: `${peer.origin}/creates/${next()}`,
          type: "Create",
          actor: mallory.uri,
          to: [PUBLIC_COLLECTION.href, olga.uri],
          object: {
            id,
            type: "Note",
            attributedTo: mallory.uri,
            inReplyTo: olgaSecret.uri,
            to: [PUBLIC_COLLECTION.href, olga.uri],
            audience: `${peer.origin}/groups/elsewhere`,
            content: "a stranger's reply",
          },
        },
        mallory.keyId,
      );
    }
    await settled(a);
    expect(await postsContaining(a, "a stranger&#39;s reply")).toEqual([]);
    expect(await postsContaining(a, "a stranger's reply")).toEqual([]);

    const onB = await postByUri(b, olgaSecret.uri);
    const reply = await b.api(bob.token, "POST", "/api/ecotone/v1/posts", { inReplyTo: onB!.id, content: "a member's reply" });
    expect(reply.status).toBe(201);
    await eventually(async () => (await postByUri(a, reply.body.uri)) !== undefined);
  });
});

describe("class 5b: naming an unknown audience does not open a group's threads at its home", () => {
  it("refuses a stranger's reply into a public group's thread, with or without an audience; takes it under a post outside any group", async () => {
    expect(
      (await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "plaza", name: "Plaza", visibility: "public", joinPolicy: "approval" })).status,
    ).toBe(201);
    const inGroup = (await a.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "plaza", content: "Plaza announcement" })).body;
    const ownPost = (await a.api(olga.token, "POST", "/api/v1/statuses", { status: "Olga's own public note", visibility: "public" })).body;
    const reply = (parentUri: string, content: string, audience?: string) =>
      peer.post(
        `${a.origin}/inbox`,
        {
          "@context": AS_CONTEXT,
          id: `${peer.origin}/creates/${next()}`,
          type: "Create",
          actor: mallory.uri,
          to: [PUBLIC_COLLECTION.href],
          object: {
            id: `${peer.origin}/notes/${next()}`,
            type: "Note",
            attributedTo: mallory.uri,
            inReplyTo: parentUri,
            to: [PUBLIC_COLLECTION.href],
            ...(audience ? { audience } : {}),
            content,
          },
        },
        mallory.keyId,
      );
    await reply(inGroup.uri, "plaza reply without audience");
    await reply(inGroup.uri, "plaza reply naming nowhere", `${peer.origin}/groups/nowhere`);
    // The control: under a post in no group, the same reply with the same audience is the stranger's own.
    await reply(ownPost.uri, "reply to a post in no group", `${peer.origin}/groups/nowhere`);
    await settled(a);
    expect(await postsContaining(a, "plaza reply")).toEqual([]);
    await eventually(async () => (await postsContaining(a, "reply to a post in no group")).length === 1);
  });
});

describe("class 5c: a direct reply to a group post stays between the people it names", () => {
  it("keeps a member's direct reply from another instance out of the group: the named author reads it, another member does not", async () => {
    const dan = await a.user("dan");
    await a.api(dan.token, "POST", "/api/ecotone/v1/groups/vault/join");
    const parentOnB = await postByUri(b, olgaSecret.uri);
    const reply = await b.api(bob.token, "POST", "/api/v1/statuses", {
      status: `@olga@${a.host} just between us: I am leaving next month`,
      in_reply_to_id: parentOnB!.id,
      visibility: "direct",
    });
    expect(reply.status).toBe(200);
    const stored = await eventually(async () => postByUri(a, reply.body.uri));
    expect(stored!.group_id).toBeNull();
    const threadFor = async (user: TestUser) =>
      ((await a.api(user.token, "GET", `/api/ecotone/v1/posts/${olgaSecret.id}/thread`)).body.items as Array<{ uri: string }>).map((p) => p.uri);
    expect(await threadFor(olga)).toContain(reply.body.uri);
    expect(await threadFor(dan)).not.toContain(reply.body.uri);
  });
});

describe("class 6: an Update cannot store a note under another server's URL", () => {
  it("refuses an Update of an unseen note whose id is on another origin, and takes one of the sender's own", async () => {
    const foreign = `${b.origin}/posts/1000000000000000001`;
    await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${peer.origin}/updates/${next()}`,
        type: "Update",
        actor: mallory.uri,
        object: { id: foreign, type: "Note", attributedTo: mallory.uri, to: [PUBLIC_COLLECTION.href, olga.uri], content: "squatting on B" },
      },
      mallory.keyId,
    );
    const own = `${peer.origin}/notes/${next()}`;
    await peer.post(
      `${a.origin}/inbox`,
      {
        "@context": AS_CONTEXT,
        id: `${peer.origin}/updates/${next()}`,
        type: "Update",
        actor: mallory.uri,
        object: { id: own, type: "Note", attributedTo: mallory.uri, to: [PUBLIC_COLLECTION.href, olga.uri], content: "an edit of my own note" },
      },
      mallory.keyId,
    );
    await settled(a);
    expect(await postByUri(a, foreign)).toBeUndefined();
    await eventually(async () => (await postByUri(a, own)) !== undefined);
  });
});

describe("class 7: a rogue Group cannot plant tasks or skip our users' consent", () => {
  function ticketCreate(groupUri: string, taskId: number, assignee: string) {
    const ticket = `${peer.origin}/tasks/${taskId}`;
    return {
      "@context": [AS_CONTEXT, "https://forgefed.org/ns"],
      id: `${groupUri}/activities/${next()}`,
      type: "Create",
      actor: groupUri,
      to: [`${groupUri}/followers`],
      object: {
        id: ticket,
        type: "Ticket",
        attributedTo: mallory.uri,
        audience: groupUri,
        summary: "Wire the money",
        content: "<p>Planted</p>",
        assignedTo: [assignee],
        status: "open",
        version: 1,
      },
    };
  }

  async function taskCopy(uri: string) {
    return b.app.ctx.db.selectFrom("tasks").select(["id"]).where("uri", "=", uri).executeTakeFirst();
  }

  it("keeps no task from a group none of our users belongs to", async () => {
    const taskId = next();
    const res = await peer.post(`${b.origin}/inbox`, ticketCreate(evil.uri, taskId, bob.uri), evil.keyId);
    expect(res.status).toBe(403);
    expect(await taskCopy(`${peer.origin}/tasks/${taskId}`)).toBeUndefined();
  });

  it("keeps a task from a group our user joined, but their assignment waits for their consent", async () => {
    const group = await resolveActor(b.app.ctx, evil.uri);
    const bobActor = await b.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", bob.uri).executeTakeFirstOrThrow();
    await b.app.ctx.db
      .insertInto("follows")
      .values({
        id: "1000000000000000042",
        follower_id: bobActor.id,
        followee_id: group.id,
        state: "accepted",
        activity_uri: `${b.origin}/follows/joined-evil`,
      })
      .execute();
    const taskId = next();
    const res = await peer.post(`${b.origin}/inbox`, ticketCreate(evil.uri, taskId, bob.uri), evil.keyId);
    expect(res.status).toBeLessThan(300);
    const task = await eventually(async () => taskCopy(`${peer.origin}/tasks/${taskId}`));
    const assignee = await b.app.ctx.db
      .selectFrom("task_assignees")
      .select("state")
      .where("task_id", "=", task!.id)
      .where("actor_id", "=", bobActor.id)
      .executeTakeFirst();
    expect(assignee?.state).toBe("pending");
  });

  it("records our user's consent only on the task they answered, not on another the home names in its Accept", async () => {
    // Bob belongs to the rogue group since the test above; it assigns him two tasks.
    const bobActor = await b.app.ctx.db.selectFrom("actors").select("id").where("uri", "=", bob.uri).executeTakeFirstOrThrow();
    const [first, second] = [next(), next()];
    for (const taskId of [first, second])
      expect((await peer.post(`${b.origin}/inbox`, ticketCreate(evil.uri, taskId, bob.uri), evil.keyId)).status).toBeLessThan(300);
    const answered = (await eventually(async () => taskCopy(`${peer.origin}/tasks/${first}`)))!;
    const other = (await eventually(async () => taskCopy(`${peer.origin}/tasks/${second}`)))!;
    const consent = async (taskId: string) =>
      (await b.app.ctx.db.selectFrom("task_assignees").select("state").where("task_id", "=", taskId).where("actor_id", "=", bobActor.id).executeTakeFirst())
        ?.state;
    expect((await b.api(bob.token, "POST", `/api/ecotone/v1/tasks/${answered.id}/assignment/accept`)).status).toBeLessThan(300);
    const change = await eventually(async () =>
      b.app.ctx.db.selectFrom("task_changes").select("activity_uri").where("task_uri", "=", `${peer.origin}/tasks/${first}`).executeTakeFirst(),
    );
    const acceptWith = (taskId: number) => {
      const ticket = ticketCreate(evil.uri, taskId, bob.uri).object;
      return {
        "@context": [AS_CONTEXT, "https://forgefed.org/ns"],
        id: `${evil.uri}/activities/${next()}`,
        type: "Accept",
        actor: evil.uri,
        object: change!.activity_uri,
        result: { ...ticket, version: 2 },
      };
    };
    // The attack: the home answers Bob's acceptance of the first task with the second.
    expect((await peer.post(`${b.origin}/inbox`, acceptWith(second), evil.keyId)).status).toBeLessThan(300);
    expect(await consent(other.id)).toBe("pending");
    // The control: answered with the task he accepted, his consent is recorded there.
    expect((await peer.post(`${b.origin}/inbox`, acceptWith(first), evil.keyId)).status).toBeLessThan(300);
    await eventually(async () => (await consent(answered.id)) === "accepted");
    expect(await consent(other.id)).toBe("pending");
  });
});

describe("class 10 (signatures): a signature made for another server does not verify here", () => {
  /** POSTs with exactly these headers (Host included), as a replaying attacker would. */
  function rawPost(target: TestInstance, headers: Headers, body: string): Promise<number> {
    const all: Record<string, string> = {};
    headers.forEach((value, name) => (all[name] = value));
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: new URL(target.origin).port, path: "/inbox", method: "POST", headers: all }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("refuses a delivery signed for B's inbox and replayed to A with B's Host header; takes the same signed for A", async () => {
    const like = { "@context": AS_CONTEXT, id: `${peer.origin}/likes/${next()}`, type: "Like", actor: mallory.uri, object: olgaSecret.uri };
    const forB = await peer.sign(`${b.origin}/inbox`, like, mallory.keyId);
    expect(forB.headers.get("host")).toBe(b.host);
    expect(await rawPost(a, forB.headers, forB.body)).toBe(401);
    const forA = await peer.sign(`${a.origin}/inbox`, like, mallory.keyId);
    expect(await rawPost(a, forA.headers, forA.body)).toBe(202);
  });
});
