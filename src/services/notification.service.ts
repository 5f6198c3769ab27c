// Notifications for local accounts: follows, follow requests, favourites and
// mentions, recorded in the same transaction as what caused them.
import type { Kysely, Transaction } from "kysely";
import {
  clearNotifications,
  countNotificationsAfter,
  dismissNotification,
  findNotification,
  listNotifications,
  recordNotification,
  readMarkers,
  writeMarker,
} from "../db/repos/notification.repo.ts";
import { findActorById, findActorByUri } from "../db/repos/remote-actor.repo.ts";
import { listModerators } from "../db/queries/group.queries.ts";
import type { Database } from "../db/schema.ts";
import { notFound } from "../domain/errors.ts";
import type { ServiceContext } from "./context.ts";

type Db = Kysely<Database> | Transaction<Database>;

export type NotificationType =
  "follow" | "follow_request" | "favourite" | "mention" | "reblog" | "status" | "update" | "join_request" | "poll" | "task_due" | "accepted_answer";

/**
 * Records a notification for a local person (never to oneself), offered to
 * the mail and push channels. A request to join a group goes to its moderators.
 */
export async function notify(db: Db, n: { recipientId: string; type: NotificationType; fromId: string; postId?: string | null }): Promise<void> {
  if (n.recipientId === n.fromId) return;
  if (n.type === "follow_request") {
    const recipient = await findActorById(db, n.recipientId);
    // Asking to join a group (a follow request to it) is for its moderators to answer.
    if (recipient?.is_local && recipient.type === "Group") {
      for (const moderator of await listModerators(db, recipient.id)) {
        if (moderator.id !== n.fromId)
          await recordNotification(db, {
            recipientId: moderator.id,
            type: "join_request",
            fromId: n.fromId,
            postId: null,
            groupId: recipient.id,
            channels: true,
          });
      }
      return;
    }
  }
  await recordNotification(db, { recipientId: n.recipientId, type: n.type, fromId: n.fromId, postId: n.postId ?? null, groupId: null, channels: true });
}

/**
 * A notice to a local person about their own thing (their poll ended, their
 * webhook was disabled): in their notifications, not mailed or pushed.
 */
export async function notifyOwner(db: Db, n: { recipientId: string; type: "poll" | "webhook_disabled"; postId?: string | null }): Promise<void> {
  await recordNotification(db, { recipientId: n.recipientId, type: n.type, fromId: n.recipientId, postId: n.postId ?? null, groupId: null, channels: false });
}

export async function notifyMentions(db: Db, mentionUris: string[], fromId: string, postId: string): Promise<void> {
  for (const uri of mentionUris) {
    const actor = await findActorByUri(db, uri);
    if (actor?.is_local) await notify(db, { recipientId: actor.id, type: "mention", fromId, postId });
  }
}

export async function getNotifications(ctx: ServiceContext, actorId: string, options: Parameters<typeof listNotifications>[2]) {
  return listNotifications(ctx.db, actorId, options);
}

export async function dismiss(ctx: ServiceContext, actorId: string, id: string): Promise<void> {
  if (!(await dismissNotification(ctx.db, actorId, id))) throw notFound("Record not found");
}

export async function clearAll(ctx: ServiceContext, actorId: string): Promise<void> {
  await clearNotifications(ctx.db, actorId);
}

export async function getNotificationById(ctx: ServiceContext, recipientId: string, id: string) {
  return (await findNotification(ctx.db, recipientId, id)) ?? null;
}

/**
 * Unread means newer than the "notifications" read marker, the same marker
 * Mastodon apps set, so reading in an app or on the web counts for both.
 */
export async function unreadNotificationCount(ctx: ServiceContext, actorId: string, cap = 99): Promise<number> {
  const marker = (await readMarkers(ctx.db, actorId)).find((m) => m.timeline === "notifications");
  return countNotificationsAfter(ctx.db, actorId, marker?.last_read_id ?? null, cap);
}

export async function lastReadNotificationId(ctx: ServiceContext, actorId: string): Promise<string | null> {
  return (await readMarkers(ctx.db, actorId)).find((m) => m.timeline === "notifications")?.last_read_id ?? null;
}

/** Marks everything up to the newest notification as read (nothing is dismissed). */
export async function markAllNotificationsRead(ctx: ServiceContext, actorId: string): Promise<void> {
  const [newest] = await listNotifications(ctx.db, actorId, { limit: 1 });
  if (newest) await writeMarker(ctx.db, actorId, "notifications", newest.id);
}
