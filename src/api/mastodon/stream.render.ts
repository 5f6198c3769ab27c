// The payload of one streaming event, as Mastodon sends it over WebSocket and
// Server-Sent Events alike: a Status or Notification as JSON text, or the id
// of a deleted status.
import type { ServiceContext } from "../../services/context.ts";
import type { StreamNews } from "../../services/posts/streaming.service.ts";
import { renderNotification } from "./notification.render.ts";
import { renderHomeItems, renderStatuses } from "./render.ts";

export async function renderStreamPayload(ctx: ServiceContext, item: StreamNews, viewerId: string): Promise<string | null> {
  switch (item.event) {
    case "update":
      return JSON.stringify((await renderHomeItems(ctx, [item.item]))[0]);
    case "status.update":
      return JSON.stringify((await renderStatuses(ctx, [item.entry]))[0]);
    case "delete":
      return item.postId;
    case "notification": {
      const rendered = await renderNotification(ctx, viewerId, item.id);
      return rendered ? JSON.stringify(rendered) : null;
    }
  }
}
