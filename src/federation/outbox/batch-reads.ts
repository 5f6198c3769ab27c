// What one outbox batch reads once for all of its events that run side by
// side (likes and their withdrawals: outbox-lanes.ts), instead of once per
// event: a local group's relay audience — its admitted followers and the
// software each of their servers runs (docs/performance.md, "Session 9 (slow
// peer)": at 50 likes a second those three reads were a tenth of a like's
// statements) — and the post those likes name and its group ("Session 11
// (slow peer)").
//
// Any other event (a follow, a ban, a role change, an edit) runs alone, and
// before it the processor forgets what was read, so what it changes is read
// again. Nothing outlives the batch: a peer blocked or a follower gone counts
// from the next batch on.
import type { FollowerInbox } from "../../db/queries/follow.queries.ts";
import type { ServiceContext } from "../../services/context.ts";
import { peerSoftwareOf } from "../peer-software.ts";
import { followerRecipients } from "../recipients.ts";

export interface RelayAudience {
  followers: FollowerInbox[];
  /** Software by host, null when unknown. */
  software: Map<string, string | null>;
}

async function readRelayAudience(ctx: ServiceContext, groupId: string): Promise<RelayAudience> {
  const followers = await followerRecipients(ctx, groupId);
  return { followers, software: await peerSoftwareOf(ctx, followers) };
}

/** The reads one batch has made so far; the processor makes one per batch and passes it down. */
export class BatchReads {
  readonly #ctx: ServiceContext;
  readonly #reads = new Map<string, Promise<unknown>>();

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** The group's relay audience, read once for the batch. */
  audienceOf(groupId: string): Promise<RelayAudience> {
    return this.once(`audience:${groupId}`, () => readRelayAudience(this.#ctx, groupId));
  }

  /**
   * A read the batch's events share (their post, its group), made once: twenty
   * likes of one post read it once, not twenty times. Keyed by the caller, who
   * names what is read (`post:<id>`); a failed read is not kept, so the event's
   * retry reads again.
   */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.#reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      pending.catch(() => this.#reads.delete(key));
      this.#reads.set(key, pending);
    }
    return pending;
  }

  /** Before an event that may change what was read (one that runs alone). */
  forget(): void {
    this.#reads.clear();
  }
}
