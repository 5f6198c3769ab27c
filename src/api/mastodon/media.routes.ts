// Mastodon media API: upload (v1 and v2), read and describe an upload.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { describeMedia, getOwnMedia, uploadAttachment } from "../../services/posts/media.service.ts";
import { requireUser } from "./guard.ts";
import { toMastodonMedia } from "./media.serializer.ts";

/** The uploaded file with the name it was sent under (src/http/body-parsers.ts keeps it beside the bytes). */
function fileOf(request: FastifyRequest): { bytes: Uint8Array; fileName: string; description?: string } {
  if (!request.isMultipart?.()) throw validationFailed("Upload the file as multipart/form-data in the `file` field");
  const body = (request.body ?? {}) as Record<string, unknown>;
  const file = body.file as (Buffer & { fileName?: string }) | undefined;
  if (!Buffer.isBuffer(file)) throw validationFailed("Missing `file`");
  return { bytes: file, fileName: file.fileName ?? "", ...(typeof body.description === "string" ? { description: body.description } : {}) };
}

export function registerMastodonMediaRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  for (const path of ["/api/v1/media", "/api/v2/media"]) {
    fastify.post(path, async (request) => {
      const caller = await requireUser(ctx, request, "write:media");
      // Images and files alike, by the web composer's rule; a file is Mastodon's type "unknown".
      const media = await uploadAttachment(ctx, caller.username, fileOf(request));
      return toMastodonMedia(media, ctx.origin);
    });
  }

  fastify.get<{ Params: { id: string } }>("/api/v1/media/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:media");
    return toMastodonMedia(await getOwnMedia(ctx, caller.username, request.params.id), ctx.origin);
  });

  fastify.put<{ Params: { id: string } }>("/api/v1/media/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:media");
    const description = (request.body as Record<string, unknown> | undefined)?.description;
    if (description !== undefined && typeof description !== "string") throw validationFailed("description must be text");
    return toMastodonMedia(await describeMedia(ctx, caller.username, request.params.id, description ?? null), ctx.origin);
  });
}
