// What an app needs to edit a status: its source text (`/source`) and its
// versions (`/history`, StatusEdit entities, oldest first, the current last).
import type { FastifyInstance } from "fastify";
import { notFound } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { stripHtml } from "../../services/html.ts";
import { getPostHistory } from "../../services/posts/post.service.ts";
import { getPostEntries } from "../../services/posts/timeline.service.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { renderStatuses } from "./render.ts";

type IdParams = { Params: { id: string } };

export function registerMastodonStatusSourceRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<IdParams>("/api/v1/statuses/:id/source", async (request) => {
    const caller = await requireUser(ctx, request, "read:statuses");
    const [entry] = await getPostEntries(ctx, caller.actorId, [request.params.id]);
    if (!entry) throw notFound("Record not found");
    // Posts written here keep what their author typed; others only have HTML.
    return { id: entry.post.id, text: entry.post.source_text ?? stripHtml(entry.post.content_html), spoiler_text: entry.post.summary ?? "" };
  });

  fastify.get<IdParams>("/api/v1/statuses/:id/history", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    const viewerId = viewer?.actorId ?? null;
    const entries = await getPostEntries(ctx, viewerId, [request.params.id]);
    if (entries.length === 0) throw notFound("Record not found");
    const [status] = await renderStatuses(ctx, entries);
    const versions = await getPostHistory(ctx, request.params.id, viewerId);
    const edit = (content: string, createdAt: string, media: unknown[]) => ({
      content,
      spoiler_text: status!.spoiler_text,
      sensitive: status!.sensitive,
      created_at: createdAt,
      account: status!.account,
      poll: null,
      media_attachments: media,
      emojis: [],
    });
    const escape = (t: string) => t.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    return [
      // Earlier versions keep their text; what they showed beside it was not recorded.
      ...versions.map((v) => edit(v.title ? `<p><strong>${escape(v.title)}</strong></p>${v.contentHtml}` : v.contentHtml, v.editedAt, [])),
      edit(status!.content, status!.edited_at ?? status!.created_at, status!.media_attachments),
    ];
  });
}
