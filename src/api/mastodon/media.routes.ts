// Mastodon media API: upload (v1 and v2), read and describe an upload.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { describeMedia, getOwnMedia, uploadMedia } from "../../services/posts/media.service.ts";
import { requireUser } from "./guard.ts";
import { toMastodonMedia } from "./media.serializer.ts";

function fileOf(request: FastifyRequest): { bytes: Uint8Array; description?: string } {
  if (!request.isMultipart?.()) throw validationFailed("Upload the file as multipart/form-data in the `file` field");
  const body = (request.body ?? {}) as Record<string, unknown>;
  const file = body.file;
  if (!Buffer.isBuffer(file)) throw validationFailed("Missing `file`");
  return { bytes: file, ...(typeof body.description === "string" ? { description: body.description } : {}) };
}

export function registerMastodonMediaRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  for (const path of ["/api/v1/media", "/api/v2/media"]) {
    fastify.post(path, async (request) => {
      const caller = await requireUser(ctx, request, "write:media");
      const media = await uploadMedia(ctx, caller.username, fileOf(request));
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
