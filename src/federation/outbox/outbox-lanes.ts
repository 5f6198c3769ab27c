// How the outbox processor runs one claimed batch of events (ADR 0122).
//
// In order, one at a time, except:
// - an edit of a post followed in the batch by another edit of the same post
//   is not sent: the later one carries it (an Update is built from the post
//   as it is when it is sent, so both would say the same) and marks it
//   processed with itself;
// - a like or its withdrawal (ours, or a member's that our group relays)
//   runs in the lane of its post and person: events
//   of one lane run in order, lanes side by side, so different people's likes
//   of one post do not wait for each other while one person's Undo still
//   follows their Like. Any other event waits for the lanes running before it
//   and runs alone.
import type { OutboxEventRow } from "../../db/schema.ts";
import type { OutboxEvent } from "../../domain/outbox-events.ts";

export interface BatchStep {
  row: OutboxEventRow;
  /** The lane it runs in beside others; null: alone, after everything before it. */
  lane: string | null;
  /** Events this one makes redundant, marked processed with it. */
  carries: number[];
}

function laneOf(event: OutboxEvent): string | null {
  if (event.type === "post.liked" || event.type === "post.unliked") return `like ${event.postId} ${event.actorId}`;
  // A remote member's like relayed by our group names its post and person.
  if (event.type === "group.relay" && event.orderingKey) return `relay ${event.orderingKey}`;
  return null;
}

export function planBatch(rows: readonly OutboxEventRow[]): BatchStep[] {
  // The last edit of each post in the batch carries the ones before it.
  const lastEdit = new Map<string, number>();
  rows.forEach((row, i) => {
    const event = row.payload as OutboxEvent;
    if (event.type === "post.updated") lastEdit.set(event.postId, i);
  });
  const carried = new Map<string, number[]>();
  const steps: BatchStep[] = [];
  rows.forEach((row, i) => {
    const event = row.payload as OutboxEvent;
    if (event.type === "post.updated" && lastEdit.get(event.postId) !== i) {
      carried.set(event.postId, [...(carried.get(event.postId) ?? []), row.id]);
      return;
    }
    const carries = event.type === "post.updated" ? (carried.get(event.postId) ?? []) : [];
    steps.push({ row, lane: laneOf(event), carries });
  });
  return steps;
}
