// Events a service records in the outbox, in the same transaction as its
// change. The federation outbox turns each into ActivityPub activities. The
// payload carries ids, never whole objects: the outbox reads the current state.
export type OutboxEvent =
  | { type: "follow.requested"; followId: string }
  | { type: "follow.accepted"; followId: string; followActivityUri: string; followerUri: string; followeeId: string }
  | { type: "follow.rejected"; followActivityUri: string; followerUri: string; followeeId: string }
  | { type: "follow.undone"; followActivityUri: string; followerId: string; followeeUri: string }
  | { type: "actor.updated"; actorId: string };

export type OutboxEventType = OutboxEvent["type"];
