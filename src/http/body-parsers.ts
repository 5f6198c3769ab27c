// Request bodies as Mastodon clients send them: JSON (an empty body with a
// JSON content type is `{}`), and HTML-form encoding with `key[]` arrays
// (`media_ids[]=1&media_ids[]=2` becomes `{media_ids: ["1", "2"]}`).
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";

/** Largest uploaded file (media); other multipart fields are small. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export function formToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [rawKey, value] of params) {
    if (rawKey.endsWith("[]")) {
      const key = rawKey.slice(0, -2);
      const existing = result[key];
      result[key] = Array.isArray(existing) ? [...existing, value] : existing !== undefined ? [existing, value] : [value];
    } else {
      result[rawKey] = value;
    }
  }
  return result;
}

/**
 * Apps (Mastodon.py, Ruby and Go clients) send 19-digit ids as JSON numbers,
 * which a double would round: integers beyond 2^53 keep their digits, as text.
 */
function keepLargeIntegers(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) return context.source;
  return value;
}

export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, {});
    try {
      done(null, JSON.parse(text, keepLargeIntegers));
    } catch {
      const error = new Error("The body is not valid JSON") as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });
  fastify.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, formToObject(new URLSearchParams(String(body))));
  });
  // multipart/form-data: fields become strings, a file becomes a Buffer.
  void fastify.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 200, parts: 201 },
  });
  fastify.addHook("preValidation", async (request) => {
    if (!request.isMultipart?.() || !request.body || typeof request.body !== "object") return;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) {
      if (key.endsWith("[]")) result[key.slice(0, -2)] = [value].flat();
      else result[key] = value;
    }
    request.body = result;
  });
}
