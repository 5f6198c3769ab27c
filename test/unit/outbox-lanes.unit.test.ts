// How the outbox processor runs a batch (ADR 0122): older edits of a post carried
// by the last, likes in lanes per post and person, anything else alone and in order.
import { describe, expect, it } from "vitest";
import type { OutboxEventRow } from "../../src/db/schema.ts";
import type { OutboxEvent } from "../../src/domain/outbox-events.ts";
import { planBatch } from "../../src/federation/outbox/outbox-lanes.ts";

const row = (id: number, payload: OutboxEvent) => ({ id, type: payload.type, payload }) as unknown as OutboxEventRow;

describe("planBatch", () => {
  it("sends a post's last edit in the batch, carrying the earlier ones; another post's edit is its own", () => {
    const steps = planBatch([
      row(1, { type: "post.updated", postId: "p" }),
      row(2, { type: "post.updated", postId: "q" }),
      row(3, { type: "post.updated", postId: "p" }),
      row(4, { type: "post.updated", postId: "p" }),
    ]);
    expect(steps.map((s) => [s.row.id, s.carries, s.lane])).toEqual([
      [2, [], null],
      [4, [1, 3], null],
    ]);
  });

  it("puts likes in a lane per post and person, so one person's Undo shares their Like's lane", () => {
    const steps = planBatch([
      row(1, { type: "post.liked", postId: "p", actorId: "ann", likeUri: "l1" }),
      row(2, { type: "post.liked", postId: "p", actorId: "bob", likeUri: "l2" }),
      row(3, { type: "post.unliked", postId: "p", actorId: "ann", likeUri: "l1" }),
      row(4, { type: "group.relay", groupId: "g", activity: {}, orderingKey: "P CAT" }),
      row(5, { type: "group.relay", groupId: "g", activity: {} }),
    ]);
    const lanes = steps.map((s) => s.lane);
    expect(lanes[0]).toBe(lanes[2]);
    expect(lanes[0]).not.toBe(lanes[1]);
    expect(lanes[3]).not.toBeNull();
    // A relay without a key (a member's post, its edit) runs alone, in order.
    expect(lanes[4]).toBeNull();
  });
});
