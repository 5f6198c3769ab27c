// Mastodon notifications (v1), bookmarks and markers.
import type { FastifyInstance } from "fastify";
import { bookmark, bookmarks, favourites, getMarkers, setMarker } from "../../services/accounts/bookmark.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { clearAll, dismiss, getNotifications } from "../../services/notification.service.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { requireUser } from "./guard.ts";
import { pageBounds, setLinkHeader } from "./pagination.ts";
import { renderNotification, renderNotificationRows } from "./notification.render.ts";
import { renderStatuses } from "./render.ts";
import { notFound } from "../../domain/errors.ts";
import { Type } from "@fastify/type-provider-typebox";
import { Id, OptionalId, Words, typed } from "./mastodon.schema.ts";

const NotificationsQuery = Type.Object({ types: Words, exclude_types: Words });
const DismissBody = Type.Object({ id: Id });
/** `{"home": {"last_read_id": 123}}` (a number too) or a form's `home[last_read_id]=123`. */
const Marker = Type.Optional(Type.Object({ last_read_id: OptionalId }));
const MarkersBody = Type.Object({ home: Marker, notifications: Marker });

export function registerMastodonNotificationRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  typed(fastify).get("/api/v1/notifications", { schema: { querystring: NotificationsQuery } }, async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:notifications");
    const bounds = pageBounds(request, 15, 30);
    const rows = await getNotifications(ctx, caller.actorId, {
      types: request.query.types ?? [],
      excludeTypes: request.query.exclude_types ?? [],
      maxId: bounds.maxId,
      sinceId: bounds.sinceId,
      minId: bounds.minId,
      limit: bounds.limit,
    });
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      rows.map((r) => r.id),
    );
    return renderNotificationRows(ctx, caller.actorId, rows);
  });

  fastify.get<{ Params: { id: string } }>("/api/v1/notifications/:id", async (request) => {
    const caller = await requireUser(ctx, request, "read:notifications");
    const notification = await renderNotification(ctx, caller.actorId, request.params.id);
    if (!notification) throw notFound("Record not found");
    return notification;
  });

  // The older form: the id in the body.
  typed(fastify).post("/api/v1/notifications/dismiss", { schema: { body: DismissBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:notifications");
    await dismiss(ctx, caller.actorId, request.body.id);
    return {};
  });

  fastify.get("/api/v1/favourites", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:favourites");
    const bounds = pageBounds(request);
    const entries = await favourites(ctx, caller.actorId, { maxId: bounds.maxId, limit: bounds.limit });
    const byId = new Map((await renderStatuses(ctx, entries)).map((s) => [s.id, s]));
    const ordered = entries.map((e) => byId.get(e.post.id)!);
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      ordered.map((s) => s.id),
    );
    return ordered;
  });

  fastify.post<{ Params: { id: string } }>("/api/v1/notifications/:id/dismiss", async (request) => {
    const caller = await requireUser(ctx, request, "write:notifications");
    await dismiss(ctx, caller.actorId, request.params.id);
    return {};
  });

  fastify.post("/api/v1/notifications/clear", async (request) => {
    const caller = await requireUser(ctx, request, "write:notifications");
    await clearAll(ctx, caller.actorId);
    return {};
  });

  for (const [action, on] of [
    ["bookmark", true],
    ["unbookmark", false],
  ] as const) {
    fastify.post<{ Params: { id: string } }>(`/api/v1/statuses/:id/${action}`, async (request) => {
      const caller = await requireUser(ctx, request, "write:bookmarks");
      await bookmark(ctx, caller.actorId, request.params.id, on);
      const [status] = await renderStatuses(ctx, await getPostEntries(ctx, caller.actorId, [request.params.id]));
      return status;
    });
  }

  fastify.get("/api/v1/bookmarks", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:bookmarks");
    const bounds = pageBounds(request);
    const rows = await bookmarks(ctx, caller.actorId, { maxId: bounds.maxId, limit: bounds.limit });
    const entries = await getPostEntries(
      ctx,
      caller.actorId,
      rows.map((r) => r.post_id),
    );
    const byId = new Map((await renderStatuses(ctx, entries)).map((s) => [s.id, s]));
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      rows.map((r) => r.id),
    );
    return rows.map((r) => byId.get(r.post_id)).filter(Boolean);
  });

  fastify.get("/api/v1/markers", async (request) => {
    const caller = await requireUser(ctx, request, "read:statuses");
    const markers = await getMarkers(ctx, caller.actorId);
    return Object.fromEntries(markers.map((m) => [m.timeline, { last_read_id: m.last_read_id, version: m.version, updated_at: m.updated_at.toISOString() }]));
  });

  typed(fastify).post("/api/v1/markers", { schema: { body: MarkersBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    for (const timeline of ["home", "notifications"] as const) {
      const id = request.body[timeline]?.last_read_id;
      if (id) await setMarker(ctx, caller.actorId, timeline, id);
    }
    const markers = await getMarkers(ctx, caller.actorId);
    return Object.fromEntries(markers.map((m) => [m.timeline, { last_read_id: m.last_read_id, version: m.version, updated_at: m.updated_at.toISOString() }]));
  });
}
