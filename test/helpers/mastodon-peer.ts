// A Mastodon-shaped server for federation tests: a small Fedify federation in
// the test process (in-memory stores, a loopback port) that takes what
// Mastodon and Hollo take and drops what they drop, and records it all:
// - `Announce` of an activity (FEP-1b12's Announce(Create)) is ignored, as
//   Hollo logs "Unsupported object on Announce"; `Announce` of a post is kept,
//   fetched from the post's own server when it is on another origin;
// - a `Create` is kept only when it concerns someone here (they follow the
//   author, or are addressed in to/cc), as Mastodon's `related_to_local_activity?`;
// - a mention notifies only with a named Mention tag (`name` and `href`);
// - `Update`/`Delete` apply only when sent by the post's author; Fedify
//   verifies that the signer is the actor, or that a forwarded activity
//   carries a valid integrity proof / LD signature;
// - ForgeFed activities (a `Ticket` anywhere) are answered 500, as Hollo does;
// - a Follow of one of its accounts is accepted at once (unlocked accounts).
// Reachable by handle (`@name@localhost:port`) over http, like our instances.
import { createFederation, generateCryptoKeyPair, MemoryKvStore, type Federation } from "@fedify/fedify";
import {
  Accept,
  Activity,
  Announce,
  Article,
  Create,
  Delete,
  Endpoints,
  Follow,
  Like,
  Mention,
  Note,
  Page,
  Person,
  PropertyValue,
  PUBLIC_COLLECTION,
  Tombstone,
  Update,
  isActor,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { freePort } from "./instances.ts";
import { serveOnLoopback } from "./loopback-server.ts";
import type { MastodonPeer, PeerReceived, PeerStatus } from "./mastodon-peer.types.ts";

export type { MastodonPeer, PeerReceived, PeerStatus };

type Account = {
  name: string;
  bio: string;
  fields: Record<string, string>;
  keys: CryptoKeyPair[];
  follows: Set<string>;
  followers: Set<string>;
  pending: Map<string, string>;
};

const FORGEFED_TYPES = new Set(["Ticket", "Offer", "Resolve", "Assign", "Push", "TicketDependency"]);

function mentionsForgeFed(json: unknown): boolean {
  if (!json || typeof json !== "object") return false;
  if (Array.isArray(json)) return json.some(mentionsForgeFed);
  const record = json as Record<string, unknown>;
  const type = record.type;
  if (typeof type === "string" && FORGEFED_TYPES.has(type)) return true;
  return mentionsForgeFed(record.object);
}

/** `software: null` publishes no NodeInfo, like a server we cannot identify. */
export async function startMastodonPeer(options: { software?: string | null } = {}): Promise<MastodonPeer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const accounts = new Map<string, Account>();
  const statuses = new Map<string, PeerStatus>();
  const notifications: MastodonPeer["notifications"] = [];
  const received: PeerReceived[] = [];
  const refused: unknown[] = [];
  const localUri = (name: string) => `${origin}/users/${name}`;
  const localNameOf = (uri: string) => [...accounts.keys()].find((n) => localUri(n) === uri) ?? null;
  /** Notes written here, by id, as served. */
  const published = new Map<string, Note>();

  const federation: Federation<void> = createFederation<void>({
    kv: new MemoryKvStore(),
    origin,
    allowPrivateAddress: true,
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      const account = accounts.get(identifier);
      if (!account) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier,
        summary: account.bio,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: new URL(`${localUri(identifier)}/followers`),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
        attachments: Object.entries(account.fields).map(([name, value]) => new PropertyValue({ name, value })),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => {
      const account = accounts.get(identifier);
      return account ? account.keys.map((k) => ({ privateKey: k.privateKey, publicKey: k.publicKey })) : [];
    });
  federation.setObjectDispatcher(
    Note,
    "/users/{identifier}/statuses/{id}",
    (ctx, values) => published.get(`${localUri(values.identifier)}/statuses/${values.id}`) ?? null,
  );
  if (options.software !== null) {
    federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
      software: { name: options.software ?? "mastodon", version: "4.3.0" },
      protocols: ["activitypub"],
      usage: { users: { total: accounts.size }, localPosts: 0, localComments: 0 },
    }));
  }

  const record = (r: Omit<PeerReceived, "ignored">, ignored: string | null = null): void => {
    received.push({ ...r, ignored });
  };
  const describe = async (activity: Activity, inbox: string) => {
    // Only for the record: what the sender embedded, fetching nothing.
    const object = await activity.getObject({ crossOrigin: "trust" }).catch(() => null);
    return {
      type: activity.constructor.name,
      actor: activity.actorId?.href ?? null,
      objectType: object ? object.constructor.name : null,
      objectId: activity.objectId?.href ?? null,
      inbox,
    };
  };
  const isFollowedHere = (actorUri: string) => [...accounts.values()].some((a) => a.follows.has(actorUri));
  const store = (post: Note | Article | Page, boostedBy: string | null) => {
    const uri = post.id!.href;
    const existing = statuses.get(uri);
    if (existing) {
      if (boostedBy && !existing.boostedBy.includes(boostedBy)) existing.boostedBy.push(boostedBy);
      return existing;
    }
    const status: PeerStatus = {
      uri,
      type: post.constructor.name,
      attributedTo: post.attributionId?.href ?? "",
      content: String(post.content ?? ""),
      name: post.name ? String(post.name) : null,
      boostedBy: boostedBy ? [boostedBy] : [],
      edited: false,
    };
    statuses.set(uri, status);
    return status;
  };
  const notifyMentions = async (post: Note | Article | Page, addressed: string[]) => {
    for await (const tag of post.getTags()) {
      // Mastodon and Hollo match a mention by its `href`, and show its `name`;
      // a nameless Mention is no mention to them.
      if (!(tag instanceof Mention) || !tag.href || !tag.name) continue;
      const user = localNameOf(tag.href.href);
      if (user && addressed.includes(tag.href.href)) notifications.push({ user, type: "mention", statusUri: post.id!.href });
    }
  };
  const inboxName = (ctx: { recipient: string | null }) => (ctx.recipient ? `/users/${ctx.recipient}/inbox` : "/inbox");

  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
      // Unlocked accounts accept at once, as on Mastodon.
      const d = await describe(follow, inboxName(ctx));
      const name = follow.objectId ? localNameOf(follow.objectId.href) : null;
      if (!name || !follow.actorId) return record(d, "no such account");
      accounts.get(name)!.followers.add(follow.actorId.href);
      record(d);
      const follower = await follow.getActor();
      if (!follower) return;
      const id = new URL(`${localUri(name)}#accepts/${Date.now()}`);
      await ctx.sendActivity({ identifier: name }, follower, new Accept({ id, actor: ctx.getActorUri(name), object: follow }));
    })
    .on(Accept, async (ctx, accept) => {
      const d = await describe(accept, inboxName(ctx));
      record(d);
      // Mastodon matches an Accept to its own Follow by the Follow's id.
      const followId = accept.objectId?.href;
      for (const account of accounts.values()) {
        const target = followId ? account.pending.get(followId) : undefined;
        if (target && target === accept.actorId?.href) {
          account.pending.delete(followId!);
          account.follows.add(target);
        }
      }
    })
    .on(Create, async (ctx, create) => {
      const d = await describe(create, inboxName(ctx));
      const object = await create.getObject().catch(() => null);
      if (!(object instanceof Note || object instanceof Article || object instanceof Page) || !object.id) {
        return record(d, "unsupported object");
      }
      const addressed = [...object.toIds, ...object.ccIds, ...create.toIds, ...create.ccIds].map((u) => u.href);
      const local = addressed.some((u) => localNameOf(u));
      if (!local && !isFollowedHere(create.actorId?.href ?? "")) return record(d, "not related to anyone here");
      if (object.attributionId?.href !== create.actorId?.href) return record(d, "attributedTo is not the actor");
      store(object, null);
      await notifyMentions(object, addressed);
      record(d);
    })
    .on(Announce, async (ctx, announce) => {
      const d = await describe(announce, inboxName(ctx));
      if (!announce.actorId || !announce.objectId) return record(d, "incomplete");
      if (!isFollowedHere(announce.actorId.href)) return record(d, "announcer followed by nobody here");
      const sameOrigin = announce.objectId.origin === announce.actorId.origin;
      // Mastodon trusts an embedded object only from its own origin; anything
      // else is fetched from where it lives.
      const object = sameOrigin ? await announce.getObject().catch(() => null) : await ctx.lookupObject(announce.objectId.href).catch(() => null);
      if (object instanceof Activity) return record(d, `Unsupported object on Announce: ${object.constructor.name}`);
      if (!(object instanceof Note || object instanceof Article || object instanceof Page) || !object.id) {
        return record(d, "unsupported object");
      }
      store(object, announce.actorId.href);
      record(d);
    })
    .on(Update, async (ctx, update) => {
      const d = await describe(update, inboxName(ctx));
      const object = await update.getObject().catch(() => null);
      if (isActor(object)) return record(d);
      if (!(object instanceof Note || object instanceof Article || object instanceof Page) || !object.id) {
        return record(d, "unsupported object");
      }
      const status = statuses.get(object.id.href);
      if (!status) return record(d, "unknown status");
      if (status.attributedTo !== update.actorId?.href) return record(d, "not the author");
      status.content = String(object.content ?? "");
      status.name = object.name ? String(object.name) : null;
      status.edited = true;
      record(d);
    })
    .on(Delete, async (ctx, del) => {
      const d = await describe(del, inboxName(ctx));
      const uri = del.objectId?.href;
      const status = uri ? statuses.get(uri) : undefined;
      if (!status) return record(d, "unknown status");
      if (status.attributedTo !== del.actorId?.href) return record(d, "not the author");
      statuses.delete(status.uri);
      record(d);
    })
    .on(Activity, async (ctx, activity) => {
      record(await describe(activity, inboxName(ctx)), "unsupported activity");
    });

  // Hollo answers ForgeFed with 500; so does this peer, before Fedify sees it.
  const server = await serveOnLoopback(
    port,
    origin,
    async (request, body) => {
      if (request.method !== "POST") return null;
      let json: unknown;
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch {
        return null; // Fedify answers malformed bodies
      }
      if (!mentionsForgeFed(json)) return null;
      refused.push(json);
      return new Response("Internal Server Error", { status: 500, headers: { "content-type": "text/plain" } });
    },
    (request) => federation.fetch(request, { contextData: undefined }),
  );

  const context = () => federation.createContext(new URL(origin), undefined);
  return {
    origin,
    host: `localhost:${port}`,
    async addUser(name, profile = {}) {
      const keys = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")];
      accounts.set(name, { name, bio: profile.bio ?? "", fields: profile.fields ?? {}, keys, follows: new Set(), followers: new Set(), pending: new Map() });
      return { uri: localUri(name), handle: `@${name}@localhost:${port}` };
    },
    async follow(name, targetUri) {
      const account = accounts.get(name);
      if (!account) throw new Error(`no account ${name}`);
      const ctx = context();
      const target = await ctx.lookupObject(targetUri, { documentLoader: await ctx.getDocumentLoader({ identifier: name }) });
      if (!isActor(target) || !target.id) throw new Error(`${targetUri} is not an actor`);
      const followId = new URL(`${localUri(name)}#follows/${Date.now()}`);
      account.pending.set(followId.href, target.id.href);
      await ctx.sendActivity({ identifier: name }, target, new Follow({ id: followId, actor: ctx.getActorUri(name), object: target.id }));
      const deadline = Date.now() + 15_000;
      while (!account.follows.has(target.id.href)) {
        if (Date.now() > deadline) throw new Error(`${targetUri} did not accept ${name}'s Follow`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async publish(name, content, to) {
      const ctx = context();
      const target = await ctx.lookupObject(to, { documentLoader: await ctx.getDocumentLoader({ identifier: name }) });
      if (!isActor(target)) throw new Error(`${to} is not an actor`);
      const uri = `${localUri(name)}/statuses/${Date.now()}`;
      const addressing = { tos: [new URL(to), PUBLIC_COLLECTION], ccs: [new URL(`${localUri(name)}/followers`)] };
      const note = new Note({ id: new URL(uri), attribution: ctx.getActorUri(name), content: `<p>${content}</p>`, ...addressing });
      published.set(uri, note);
      store(note, null);
      await ctx.sendActivity(
        { identifier: name },
        target,
        new Create({ id: new URL(`${uri}/activity`), actor: ctx.getActorUri(name), object: note, ...addressing }),
      );
      return uri;
    },
    async edit(name, uri, content, to) {
      const ctx = context();
      const target = await ctx.lookupObject(to, { documentLoader: await ctx.getDocumentLoader({ identifier: name }) });
      const old = published.get(uri);
      if (!isActor(target) || !old) throw new Error(`cannot edit ${uri}`);
      const note = old.clone({ content: `<p>${content}</p>`, updated: Temporal.Now.instant() });
      published.set(uri, note);
      const id = new URL(`${uri}#updates/${Date.now()}`);
      await ctx.sendActivity({ identifier: name }, target, new Update({ id, actor: ctx.getActorUri(name), object: note, tos: note.toIds, ccs: note.ccIds }));
    },
    async remove(name, uri, to) {
      const ctx = context();
      const target = await ctx.lookupObject(to, { documentLoader: await ctx.getDocumentLoader({ identifier: name }) });
      if (!isActor(target)) throw new Error(`${to} is not an actor`);
      published.delete(uri);
      statuses.delete(uri);
      const del = new Delete({ id: new URL(`${uri}#delete`), actor: ctx.getActorUri(name), object: new Tombstone({ id: new URL(uri) }), tos: [new URL(to)] });
      await ctx.sendActivity({ identifier: name }, target, del);
    },
    async like(name, postUri, authorUri) {
      const ctx = context();
      const author = await ctx.lookupObject(authorUri, { documentLoader: await ctx.getDocumentLoader({ identifier: name }) });
      if (!isActor(author)) throw new Error(`${authorUri} is not an actor`);
      const id = new URL(`${localUri(name)}#likes/${Date.now()}`);
      await ctx.sendActivity({ identifier: name }, author, new Like({ id, actor: ctx.getActorUri(name), object: new URL(postUri) }));
    },
    async lookupActor(uri) {
      const ctx = context();
      const first = [...accounts.keys()][0];
      const documentLoader = first ? await ctx.getDocumentLoader({ identifier: first }) : ctx.documentLoader;
      const object = await ctx.lookupObject(uri, { documentLoader }).catch(() => null);
      return isActor(object) ? object : null;
    },
    statuses,
    notifications,
    received,
    refused,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
