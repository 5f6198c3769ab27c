// Authentication reads the token, its user and the user's actor in one
// statement (issue 18), and caches nothing: a revoked token or a suspended
// account is refused at the very next request.
import { captureStatements } from "../../src/db/statement-capture.ts";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/schema.ts";
import { authenticateToken, revokeToken } from "../../src/services/accounts/token.service.ts";
import { setSuspended } from "../../src/services/accounts/user.service.ts";
import { startInstanceWithUsers, type TestInstance, type TestUser } from "../helpers/instances.ts";

let a: TestInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  ({
    instance: a,
    users: { alice, bob },
  } = await startInstanceWithUsers("alice", "bob"));
});

afterAll(async () => {
  await a?.close();
});

/** The SQL of the statements `authenticateToken` sends for this token. */
async function statementsOf(token: string): Promise<string[]> {
  const db = a.app.ctx.db as Kysely<Database>;
  const { plugin, statements } = captureStatements(db);
  const found = await authenticateToken({ ...a.app.ctx, db: db.withPlugin(plugin) }, token);
  expect(found?.user.username).toBeDefined();
  return statements.map((q) => q.sql);
}

describe("authentication", () => {
  it("reads the token, the user and the actor in one statement", async () => {
    await statementsOf(alice.token); // the first use of a token also records when it was used
    const sent = await statementsOf(alice.token);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain("api_tokens");
    expect(sent[0]).toContain("actors");
  });

  it("acts as the token's own account", async () => {
    const me = await a.api(bob.token, "GET", "/api/v1/accounts/verify_credentials");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("bob");
    const home = await a.api(bob.token, "GET", "/api/v1/timelines/home");
    expect(home.status).toBe(200);
  });

  it("refuses a suspended account's token at the next request, and takes it again once unsuspended", async () => {
    expect((await a.api(bob.token, "GET", "/api/v1/timelines/home")).status).toBe(200);
    await setSuspended(a.app.ctx, "bob", true);
    const refused = await a.api(bob.token, "GET", "/api/v1/timelines/home");
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).toMatch(/invalid, expired or revoked/);
    await setSuspended(a.app.ctx, "bob", false);
    expect((await a.api(bob.token, "GET", "/api/v1/timelines/home")).status).toBe(200);
  });

  it("refuses a revoked token at the next request", async () => {
    const token = (await a.user("carol")).token;
    expect((await a.api(token, "GET", "/api/v1/timelines/home")).status).toBe(200);
    const auth = await authenticateToken(a.app.ctx, token);
    await revokeToken(a.app.ctx, auth!.tokenId);
    expect((await a.api(token, "GET", "/api/v1/timelines/home")).status).toBe(401);
    expect((await a.api(token, "GET", "/api/ecotone/v1/groups")).status).toBe(401);
  });
});
