// A sender's actor row read once per few seconds (ADR 0108), and never
// staler than this process's own writes.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.ts";
import { findCachedActor, findSenderActor, forgetGoneActor, rememberRemoteActor } from "../../src/services/accounts/actor.service.ts";
import { RECENT_MS, recentActor, recentActorsEpoch, rememberRecentActor } from "../../src/services/accounts/recent-actors.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { openTestContext } from "../helpers/service-context.ts";

let ctx: ServiceContext;
let handle: DatabaseHandle;

beforeAll(async () => {
  ({ ctx, handle } = await openTestContext());
});

afterAll(async () => {
  await handle?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

function person(name: string, n: string) {
  return {
    uri: `https://remote.example/users/${n}`,
    type: "Person",
    username: n,
    domain: "remote.example",
    name,
    summary: null,
    url: null,
    iconUrl: null,
    inboxUrl: `https://remote.example/users/${n}/inbox`,
    sharedInboxUrl: null,
    outboxUrl: null,
    followersUrl: null,
    followingUrl: null,
    locked: false,
    raw: null,
  };
}

/** What another process (or an operator) writes, behind this process's back. */
async function renameBehindTheBack(uri: string, name: string) {
  await handle.db.updateTable("actors").set({ name }).where("uri", "=", uri).execute();
}

describe("findSenderActor", () => {
  it("returns null for an actor never met, and the stored row for one that was", async () => {
    expect(await findSenderActor(ctx, "https://remote.example/users/nobody")).toBeNull();
    const stored = await rememberRemoteActor(ctx, person("Ann", "ann"));
    expect(await findSenderActor(ctx, stored.uri)).toMatchObject({ id: stored.id, name: "Ann" });
  });

  it("sees this process's own update at once", async () => {
    const stored = await rememberRemoteActor(ctx, person("Bea", "bea"));
    expect((await findSenderActor(ctx, stored.uri))?.name).toBe("Bea");
    await rememberRemoteActor(ctx, person("Bea Renamed", "bea"));
    expect((await findSenderActor(ctx, stored.uri))?.name).toBe("Bea Renamed");
  });

  it("sees an account marked gone at once", async () => {
    const stored = await rememberRemoteActor(ctx, person("Cy", "cy"));
    expect((await findSenderActor(ctx, stored.uri))?.gone_at).toBeNull();
    await forgetGoneActor(ctx, stored.uri);
    expect((await findSenderActor(ctx, stored.uri))?.gone_at).toBeInstanceOf(Date);
  });

  it("sees another process's write after at most a few seconds", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T12:00:00Z") });
    const stored = await rememberRemoteActor(ctx, person("Dee", "dee"));
    expect((await findSenderActor(ctx, stored.uri))?.name).toBe("Dee");
    await renameBehindTheBack(stored.uri, "Dee (elsewhere)");
    expect((await findSenderActor(ctx, stored.uri))?.name).toBe("Dee");
    vi.setSystemTime(Date.now() + RECENT_MS + 1);
    expect((await findSenderActor(ctx, stored.uri))?.name).toBe("Dee (elsewhere)");
  });

  it("does not keep a row read while the account was being marked gone (it may predate the mark)", async () => {
    const stored = await rememberRemoteActor(ctx, person("Flo", "flo"));
    // The sender's row is read, as findSenderActor reads it; before the read returns, a 410 marks the account gone.
    const epoch = recentActorsEpoch(ctx);
    const readBeforeTheMark = (await findCachedActor(ctx, stored.uri))!;
    await forgetGoneActor(ctx, stored.uri);
    rememberRecentActor(ctx, readBeforeTheMark, epoch);
    expect(recentActor(ctx, stored.uri)).toBeNull();
    // The next activity is checked against the row as it is now.
    expect((await findSenderActor(ctx, stored.uri))?.gone_at).toBeInstanceOf(Date);
    // The control: a row read with nothing forgotten meanwhile is kept.
    const other = await rememberRemoteActor(ctx, person("Gil", "gil"));
    rememberRecentActor(ctx, (await findCachedActor(ctx, other.uri))!, recentActorsEpoch(ctx));
    expect(recentActor(ctx, other.uri)?.name).toBe("Gil");
  });

  it("keeps each database's rows apart (instances in one process)", async () => {
    const other = await openTestContext("http://localhost:3998");
    try {
      const here = await rememberRemoteActor(ctx, person("Eve", "eve"));
      await findSenderActor(ctx, here.uri);
      expect(await findSenderActor(other.ctx, here.uri)).toBeNull();
      const there = await rememberRemoteActor(other.ctx, person("Eve", "eve"));
      expect((await findSenderActor(other.ctx, here.uri))?.id).toBe(there.id);
      expect((await findSenderActor(ctx, here.uri))?.id).toBe(here.id);
    } finally {
      await other.handle.close();
    }
  });
});
