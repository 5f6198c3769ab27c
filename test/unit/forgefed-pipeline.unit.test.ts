// Which inbox POSTs are ForgeFed task activities (decided without the
// database), and the one retry policy that ForgeFed deliveries share with
// Fedify's queue.
import { describe, expect, it } from "vitest";
import { deliveryRetryPolicy, nextDeliveryDelayMs } from "../../src/federation/delivery-retry.ts";
import { isTaskActivity } from "../../src/federation/forgefed/task-inbox.ts";
import type { ServiceContext } from "../../src/services/context.ts";

// Any use of the database fails the test: the check must answer from the activity alone.
const noDatabase = new Proxy(
  {},
  {
    get() {
      throw new Error("isTaskActivity touched the database");
    },
  },
);
const ctx = { origin: new URL("https://home.example"), db: noDatabase } as unknown as ServiceContext;
const peer = "https://peer.example";

describe("isTaskActivity", () => {
  it("takes a home's Delete of a Tombstone that was a Ticket", () => {
    const activity = {
      type: "Delete",
      actor: `${peer}/users/deliveries`,
      object: { type: "Tombstone", id: `${peer}/tasks/7000000000000000001`, formerType: "Ticket" },
    };
    expect(isTaskActivity(ctx, activity)).toBe(true);
  });

  it("takes an older home's Delete of a bare task URI on its own origin", () => {
    expect(isTaskActivity(ctx, { type: "Delete", actor: `${peer}/users/deliveries`, object: `${peer}/tasks/7000000000000000001` })).toBe(true);
  });

  it("leaves every other Delete to Fedify, including a task URI on someone else's origin", () => {
    expect(isTaskActivity(ctx, { type: "Delete", actor: `${peer}/users/ana`, object: `${peer}/posts/7000000000000000001` })).toBe(false);
    expect(isTaskActivity(ctx, { type: "Delete", actor: "https://other.example/users/x", object: `${peer}/tasks/7000000000000000001` })).toBe(false);
    expect(isTaskActivity(ctx, { type: "Delete", actor: `${peer}/users/ana`, object: { type: "Tombstone", id: `${peer}/posts/1`, formerType: "Note" } })).toBe(
      false,
    );
    expect(isTaskActivity(ctx, { type: "Delete", actor: "not a url", object: "also not" })).toBe(false);
  });

  it("takes ForgeFed types and replies to our task activities", () => {
    expect(isTaskActivity(ctx, { type: "Assign", actor: `${peer}/users/ana`, object: "https://home.example/tasks/1" })).toBe(true);
    expect(isTaskActivity(ctx, { type: "Offer", actor: `${peer}/users/ana`, object: { type: "Ticket", summary: "x" } })).toBe(true);
    expect(isTaskActivity(ctx, { type: "Accept", actor: `${peer}/users/g`, object: "https://home.example/tasks/activities/abc" })).toBe(true);
    expect(isTaskActivity(ctx, { type: "Like", actor: `${peer}/users/ana`, object: "https://home.example/posts/1" })).toBe(false);
  });
});

describe("the one delivery retry policy", () => {
  const policy = deliveryRetryPolicy(30_000);

  it("waits at least the initial delay after the first failure and doubles from there", () => {
    const first = nextDeliveryDelayMs(policy, 0)!;
    expect(first).toBeGreaterThanOrEqual(30_000);
    expect(first).toBeLessThanOrEqual(60_000);
    expect(nextDeliveryDelayMs(policy, 3)!).toBeGreaterThanOrEqual(240_000);
  });

  it("never waits more than six hours, and gives up after twenty attempts", () => {
    expect(nextDeliveryDelayMs(policy, 19)).toBe(6 * 3_600_000);
    expect(nextDeliveryDelayMs(policy, 20)).toBeNull();
  });
});
