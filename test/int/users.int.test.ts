// Local accounts, keys, passwords and API tokens at the service level.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { receiveFollow } from "../../src/services/accounts/follow.service.ts";
import { rememberRemoteActor } from "../../src/services/accounts/actor.service.ts";
import { authenticateToken, createToken, revokeToken } from "../../src/services/accounts/token.service.ts";
import { bootstrapAdmin, createUser, ensureInstanceActor, getActorKeys, setRole, verifyCredentials } from "../../src/services/accounts/user.service.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
});

afterAll(async () => {
  await handle?.close();
});

describe("accounts", () => {
  it("bootstraps one admin on an empty instance, and only once", async () => {
    const first = await bootstrapAdmin(ctx);
    expect(first?.username).toBe("admin");
    expect(first!.password.length).toBeGreaterThanOrEqual(16);
    expect(await verifyCredentials(ctx, "admin", first!.password)).toMatchObject({ role: "admin" });
    expect(await bootstrapAdmin(ctx)).toBeNull();
  });

  it("creates a user with an actor, an RSA and an Ed25519 key pair that never change", async () => {
    const user = await createUser(ctx, { username: "Alice", password: "a long enough password", audience: "partner" });
    expect(user.username).toBe("alice");
    expect(user.uri).toBe("http://localhost:3999/users/alice");
    expect(user.audience).toBe("partner");
    const keys = await getActorKeys(ctx, user.actorId);
    expect(keys.map((k) => k.algorithm).sort()).toEqual(["ed25519", "rsa"]);
    expect(keys.find((k) => k.algorithm === "rsa")!.publicJwk.n!.length).toBeGreaterThan(300); // 2048-bit modulus
    expect(await getActorKeys(ctx, user.actorId)).toEqual(keys);
  });

  it("refuses a taken username, a bad username and a short password with clear errors", async () => {
    await expect(createUser(ctx, { username: "alice" })).rejects.toMatchObject({ code: "conflict" });
    await expect(createUser(ctx, { username: "no spaces" })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(createUser(ctx, { username: "bob", password: "short" })).rejects.toThrow(/at least/);
  });

  it("checks passwords, and stores none in clear", async () => {
    expect(await verifyCredentials(ctx, "alice", "a long enough password")).not.toBeNull();
    expect(await verifyCredentials(ctx, "alice", "wrong password!")).toBeNull();
    expect(await verifyCredentials(ctx, "nobody", "a long enough password")).toBeNull();
    const row = await ctx.db.selectFrom("users").select("password_hash").where("username", "=", "alice").executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain("a long enough password");
  });

  it("changes roles and rejects unknown ones", async () => {
    expect((await setRole(ctx, "alice", "moderator")).role).toBe("moderator");
    await expect(setRole(ctx, "alice", "king")).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("creates the instance actor once, however often it is asked", async () => {
    await ensureInstanceActor(ctx);
    await Promise.all([ensureInstanceActor(ctx), ensureInstanceActor(ctx)]);
    const rows = await ctx.db.selectFrom("actors").select("id").where("type", "=", "Application").execute();
    expect(rows).toHaveLength(1);
  });
});

describe("API tokens", () => {
  it("authenticates a fresh token, stores only its hash, and refuses it once revoked", async () => {
    const token = await createToken(ctx, "alice", { scopes: "read write:follows" });
    const auth = await authenticateToken(ctx, token);
    expect(auth?.user.username).toBe("alice");
    expect(auth?.scopes).toEqual(["read", "write:follows"]);
    const stored = await ctx.db.selectFrom("api_tokens").select("token_hash").execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
    await revokeToken(ctx, auth!.tokenId);
    expect(await authenticateToken(ctx, token)).toBeNull();
    expect(await authenticateToken(ctx, "made-up")).toBeNull();
  });

  it("rejects unknown scopes", async () => {
    await expect(createToken(ctx, "alice", { scopes: "read everything" })).rejects.toThrow(/Unknown scope "everything"/);
  });
});

describe("incoming activities are applied once", () => {
  it("a Follow delivered twice with the same id creates one follow and is reported as a duplicate", async () => {
    const remote = await rememberRemoteActor(ctx, {
      uri: "https://globex.example/users/gina",
      type: "Person",
      username: "gina",
      domain: "globex.example",
      name: "Gina",
      summary: null,
      url: null,
      iconUrl: null,
      inboxUrl: "https://globex.example/users/gina/inbox",
      sharedInboxUrl: "https://globex.example/inbox",
      outboxUrl: null,
      followersUrl: null,
      followingUrl: null,
      locked: false,
      raw: {},
    });
    const activity = { uri: "https://globex.example/activities/1", type: "Follow", actorUri: remote.uri };
    const first = await receiveFollow(ctx, activity, remote, "http://localhost:3999/users/alice");
    const second = await receiveFollow(ctx, activity, remote, "http://localhost:3999/users/alice");
    expect(first.state).toBe("accepted");
    expect(second.state).toBe("duplicate");
    const follows = await ctx.db.selectFrom("follows").select("id").where("follower_id", "=", remote.id).execute();
    expect(follows).toHaveLength(1);
  });

  it("never lets a remote document overwrite a local actor", async () => {
    await expect(
      rememberRemoteActor(ctx, {
        uri: "http://localhost:3999/users/alice",
        type: "Person",
        username: "alice",
        domain: "localhost:3999",
        name: "Evil",
        summary: null,
        url: null,
        iconUrl: null,
        inboxUrl: null,
        sharedInboxUrl: null,
        outboxUrl: null,
        followersUrl: null,
        followingUrl: null,
        locked: false,
        raw: {},
      }),
    ).rejects.toMatchObject({ code: "validation_failed" });
  });
});
