// The profile directory, familiar followers, known peers and the unread
// notification count, for apps' profile and discovery screens.
import { countNotificationsAfter, familiarFollowers, knownPeers, localPeople } from "../../db/queries/directory.queries.ts";
import { readMarkers } from "../../db/repos/notification.repo.ts";
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";
import { findActorById } from "../../db/repos/remote-actor.repo.ts";
import { canListFollowsOf, viewerOf } from "../visibility.service.ts";

/** Whom I follow among each account's followers; nobody for an account whose followers I may not list (a private group's members). */
export async function getFamiliarFollowers(ctx: ServiceContext, viewerId: string, targetIds: string[]): Promise<Array<{ id: string; accounts: ActorRow[] }>> {
  const viewer = viewerOf(viewerId);
  return Promise.all(
    targetIds.slice(0, 40).map(async (id) => {
      const target = await findActorById(ctx.db, id);
      const listable = target !== undefined && (await canListFollowsOf(ctx, viewer, target, "followers"));
      return { id, accounts: listable ? await familiarFollowers(ctx.db, viewerId, id, 40) : [] };
    }),
  );
}

export async function getDirectory(ctx: ServiceContext, options: { order?: string | undefined; limit?: number | undefined; offset?: number | undefined }) {
  const limit = Math.min(Math.max(options.limit ?? 40, 1), 80);
  return localPeople(ctx.db, options.order === "new" ? "new" : "active", limit, Math.max(options.offset ?? 0, 0));
}

export const getKnownPeers = (ctx: ServiceContext) => knownPeers(ctx.db);

/** Unread = newer than the notifications marker (all of them without one), counted up to a cap. */
export async function unreadNotificationCount(ctx: ServiceContext, actorId: string, cap = 100): Promise<number> {
  const marker = (await readMarkers(ctx.db, actorId)).find((m) => m.timeline === "notifications");
  return countNotificationsAfter(ctx.db, actorId, marker?.last_read_id ?? null, cap);
}
