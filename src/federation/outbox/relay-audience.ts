// Who a local group relays to: its admitted followers and the software each
// of their servers runs. Read once per run of likes in an outbox batch
// instead of once per like (docs/performance.md, "Session 9 (slow peer)"):
// at 50 likes a second those three reads were a tenth of a like's statements.
// The post those likes name and its group are read once per batch the same
// way (`row`; docs/performance.md, "Session 11 (slow peer)").
//
// Shared only between the events of one batch that run side by side (likes
// and their withdrawals: outbox-lanes.ts). Any other event (a follow, a ban,
// a role change) runs alone, and before it the processor forgets what was
// read, so an audience it changes is read again. Nothing outlives the batch:
// a peer blocked or a follower gone counts from the next batch on.
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

/** The audiences one batch has read so far, by group; the processor makes one per batch and passes it down. */
export class RelayAudiences {
  readonly #ctx: ServiceContext;
  readonly #read = new Map<string, Promise<RelayAudience>>();
  readonly #rows = new Map<string, Promise<unknown>>();

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  of(groupId: string): Promise<RelayAudience> {
    let audience = this.#read.get(groupId);
    if (!audience) {
      audience = readRelayAudience(this.#ctx, groupId);
      // A failed read is not kept: the event's retry reads again.
      audience.catch(() => this.#read.delete(groupId));
      this.#read.set(groupId, audience);
    }
    return audience;
  }

  /**
   * A row the batch's likes all name (their post, its group), read once for
   * the batch like the audience: twenty likes of one post read it twice, not
   * forty times. Forgotten with the audiences, so an edit or a deletion of the
   * post (an event that runs alone) is read again after it.
   */
  row<T>(key: string, read: () => Promise<T>): Promise<T> {
    let row = this.#rows.get(key) as Promise<T> | undefined;
    if (!row) {
      row = read();
      row.catch(() => this.#rows.delete(key));
      this.#rows.set(key, row);
    }
    return row;
  }

  /** Before an event that may change an audience (one that runs alone). */
  forget(): void {
    this.#read.clear();
    this.#rows.clear();
  }
}
