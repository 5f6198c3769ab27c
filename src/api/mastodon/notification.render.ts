// Notification entities (docs.joinmastodon.org/entities/Notification).
import { getActorById } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getNotificationById } from "../../services/notification.service.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { applyFilters } from "./filter.apply.ts";
import { renderAccounts, renderStatuses } from "./render.ts";

export interface NotificationRow {
  id: string;
  type: string;
  from_id: string;
  post_id: string | null;
  created_at: Date;
}

export async function renderNotificationRows(ctx: ServiceContext, viewerId: string, rows: NotificationRow[]) {
  const actors = (await Promise.all([...new Set(rows.map((r) => r.from_id))].map((id) => getActorById(ctx, id)))).filter((a) => a !== null);
  const accounts = new Map((await renderAccounts(ctx, actors)).map((a) => [a.id, a]));
  const postIds = rows.map((r) => r.post_id).filter((id): id is string => id !== null);
  // A notification whose status a "hide" filter removes is left out with it.
  const rendered = await applyFilters(ctx, viewerId, "notifications", await renderStatuses(ctx, await getPostEntries(ctx, viewerId, postIds)));
  const statuses = new Map(rendered.map((s) => [s.id, s]));
  return rows
    .filter((r) => accounts.has(r.from_id) && (r.post_id === null || statuses.has(r.post_id)))
    .map((r) => ({
      id: r.id,
      type: r.type,
      created_at: r.created_at.toISOString(),
      group_key: `ungrouped-${r.id}`,
      account: accounts.get(r.from_id)!,
      ...(r.post_id ? { status: statuses.get(r.post_id) } : {}),
    }));
}

export async function renderNotification(ctx: ServiceContext, viewerId: string, id: string) {
  const row = await getNotificationById(ctx, viewerId, id);
  return row ? ((await renderNotificationRows(ctx, viewerId, [row]))[0] ?? null) : null;
}
