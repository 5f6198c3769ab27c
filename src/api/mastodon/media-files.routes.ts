// Serves uploaded media files. The type comes from our own record (sniffed
// at upload), never from the file name, and browsers are told not to guess.
// Who may have a file is the one visibility rule's answer for its post
// (src/services/posts/media.service.ts readUpload). Files that are not images
// (PDF, office, text) are always downloads: `Content-Disposition: attachment`
// with the name they were uploaded under (ADR 0053).
import type { FastifyInstance, FastifyRequest } from "fastify";
import { hasScope } from "../../domain/scopes.ts";
import { getLocalActor } from "../../services/accounts/actor.service.ts";
import { readSession } from "../../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { readUpload } from "../../services/posts/media.service.ts";
import { SESSION_COOKIE } from "../../services/accounts/session-cookie.ts";
import { viewerOf, type Viewer } from "../../services/visibility.service.ts";

/** The signed-in viewer (an app's bearer token with a read scope, or the web interface's session), if any. */
async function mediaViewer(ctx: ServiceContext, request: FastifyRequest): Promise<Viewer> {
  // A token that may not read statuses (push, profile, write:media) reads files as nobody would:
  // a public post's file, as Mastodon serves any file, but nothing only its user may see.
  if (request.auth) return viewerOf(hasScope(request.auth.scopes, "read:statuses") ? (await getLocalActor(ctx, request.auth.username))?.id : undefined);
  const username = (await readSession(ctx, request.cookies[SESSION_COOKIE]).catch(() => null))?.user.username;
  const actor = username ? await getLocalActor(ctx, username) : null;
  return viewerOf(actor?.id);
}

/** RFC 6266: an ASCII fallback name and the real one, percent-encoded (RFC 8187). */
function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export function registerMediaFiles(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<{ Params: { file: string } }>("/media/:file", async (request, reply) => {
    const viewer = await mediaViewer(ctx, request);
    const upload = await readUpload(ctx, request.params.file, viewer).catch(() => null);
    if (!upload) return reply.code(404).type("text/plain").send("Not found");
    if (upload.downloadName !== null) reply.header("content-disposition", attachmentDisposition(upload.downloadName));
    return (
      reply
        .type(upload.mimeType.startsWith("text/") ? `${upload.mimeType}; charset=utf-8` : upload.mimeType)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        // Shared caches must not hand a members-only file to someone else.
        .header("cache-control", "private, max-age=31536000, immutable")
        .send(upload.bytes)
    );
  });
}
