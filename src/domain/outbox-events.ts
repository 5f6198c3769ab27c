// Events a service records in the outbox, in the same transaction as its
// change. The federation outbox turns each into ActivityPub activities. Most
// payloads carry ids, and the outbox reads the current state when it sends;
// an event carries the thing itself (a URI, an activity) when that state will
// be gone by then (a deleted post, an undone follow) or must go out exactly as
// it was (a relayed activity, a ready ForgeFed delivery).
import type { PostVisibility } from "./visibility.rules.ts";

export type OutboxEvent =
  | { type: "follow.requested"; followId: string }
  | { type: "follow.accepted"; followId: string; followActivityUri: string; followerUri: string; followeeId: string }
  | { type: "follow.rejected"; followActivityUri: string; followerUri: string; followeeId: string }
  | { type: "follow.undone"; followActivityUri: string; followerId: string; followeeUri: string }
  | { type: "actor.updated"; actorId: string }
  | { type: "group.invited"; groupId: string; inviteeId: string }
  | { type: "group.banned"; groupId: string; memberId: string }
  | { type: "group.unbanned"; groupId: string; memberId: string }
  | { type: "group.role_changed"; groupId: string; memberId: string; moderator: boolean }
  | { type: "post.created"; postId: string }
  | { type: "post.updated"; postId: string }
  | { type: "post.deleted"; postUri: string; authorId: string; groupId: string | null; visibility: PostVisibility; mentionUris?: string[] }
  /** A moderator removed a post from one of our groups. */
  | { type: "post.removed"; postUri: string; groupId: string; authorId?: string }
  | { type: "post.shared"; postId: string; groupId: string; sharerId: string; activityUri: string }
  | { type: "report.filed"; reportId: string }
  | { type: "post.reblogged"; postId: string; actorId: string; activityUri: string }
  | { type: "post.unreblogged"; postId: string; actorId: string; activityUri: string }
  | { type: "post.liked"; postId: string; actorId: string; likeUri: string }
  | { type: "post.unliked"; postId: string; actorId: string; likeUri: string }
  /** A local person pinned or unpinned a post: Add/Remove on their `featured` collection. */
  | { type: "post.pinned"; actorId: string; postUri: string; pinned: boolean }
  /** One of our polls has new counts or closed: Update(Question) to whoever has it. */
  | { type: "poll.updated"; postId: string }
  /** A local person voted in another server's poll: a Create(Note) per choice to its author. */
  | { type: "poll.voted"; postId: string; voterId: string; choices: number[] }
  /** A local person blocked (or unblocked) someone elsewhere: Block (or Undo(Block)) to that account. */
  | { type: "account.blocked"; actorId: string; targetId: string; activityUri: string; blocked: boolean }
  /** A local group relays an activity a member sent it (FEP-1b12 Announce). */
  /**
   * A like or its withdrawal carries `orderingKey` (post and person): relayed
   * side by side with other people's, in order with the same person's.
   */
  | { type: "group.relay"; groupId: string; activity: unknown; orderingKey?: string }
  /** Our first member was accepted into a remote group: read its recent posts. */
  | { type: "group.backfill"; groupId: string }
  /** A task's home announces its new state (Create or Update of the Ticket). */
  | { type: "task.published"; taskId: string; created: boolean }
  | { type: "task.deleted"; taskUri: string; groupId: string }
  /** The home accepted a member's Offer(Ticket) from another instance. */
  | { type: "task.offer_accepted"; taskId: string; offerUri: string; offererId: string }
  /** The home asks someone on another instance to accept an assignment. */
  | { type: "task.assign_requested"; taskId: string; assigneeId: string; activityUri: string }
  /** A member's change to a remote group's task goes to the home (the row of task_changes says what). */
  | { type: "task.change_requested"; changeId: string }
  /**
   * The home's answer to a member's change from another instance: Accept with
   * the Ticket as it now is (none once deleted), or Reject with the reason.
   */
  | {
      type: "task.change_answered";
      activityUri: string;
      memberId: string;
      groupId: string;
      taskUri: string | null;
      refusal?: { code: string; message: string };
    }
  /** One signed POST of a ready ForgeFed activity to one inbox (retried on its own). */
  | { type: "task.deliver"; senderId: string; inbox: string; activity: Record<string, unknown> }
  | OrganizationOutboxEvent
  /** An answer was accepted (here or, relayed, elsewhere); travels as the post edit or group reply, read by webhooks. */
  | { type: "question.accepted"; questionId: string; answerUri: string }
  /** A moderator turned a thread into a task (for webhooks: a ticketing system takes it from there). */
  | { type: "thread.escalated"; postId: string; taskId: string; byId: string }
  /** Written by a trigger on `follows` (migration 0062), born processed: for webhooks only. */
  | { type: "group.member_joined"; groupId: string; memberId: string }
  | { type: "group.member_left"; groupId: string; memberId: string };

/** Shared rooms (an organization invited; our answer to an invitation) and account deletion. */
export type OrganizationOutboxEvent =
  | { type: "room.org_invited"; groupId: string; domain: string; inviteUri: string }
  /** Our admin answered (or, later, withdrew from) another instance's room invitation. */
  | { type: "room.invitation_answered"; invitationId: string; accepted: boolean }
  /** A local account was deleted: a Delete of the Person goes to whoever knew it. */
  | { type: "account.deleted"; actorId: string }
  /** Our organization changed: an Update of the instance actor goes to every known peer. */
  | { type: "organization.updated" };

export type OutboxEventType = OutboxEvent["type"];
