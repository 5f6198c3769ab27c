// Serves uploaded media files. The type comes from our own record (sniffed
// at upload), never from the file name, and browsers are told not to guess.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { readUpload } from "../../services/media.service.ts";

export function registerMediaFiles(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { file: string } }>("/media/:file", async (request, reply) => {
    const upload = await readUpload(ctx, request.params.file).catch(() => null);
    if (!upload) return reply.code(404).type("text/plain").send("Not found");
    return reply
      .type(upload.mimeType)
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox")
      .header("cache-control", "public, max-age=31536000, immutable")
      .send(upload.bytes);
  });
}
