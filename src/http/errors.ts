// The one place where typed errors become HTTP responses.
import type { FastifyError, FastifyInstance } from "fastify";
import { isDatabaseUnavailable } from "../db/database.ts";
import { DomainError, HTTP_STATUS } from "../domain/errors.ts";

export function statusOf(error: DomainError): number {
  return HTTP_STATUS[error.code];
}

/**
 * Mastodon clients expect `{"error": "message"}`; our own API sends
 * `{"error": {"code", "message"}}`. The path decides which.
 */
export function isMastodonPath(url: string): boolean {
  return /^\/(api\/v[12]\/|oauth\/)/.test(url);
}

function errorBody(url: string, code: string, message: string, details?: Record<string, unknown>) {
  if (isMastodonPath(url)) return { error: message, ...(details ? { details } : {}) };
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export function registerErrorHandler(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    if (error instanceof DomainError) {
      return reply.code(statusOf(error)).send(errorBody(request.url, error.code, error.message, error.details));
    }
    if ((error as FastifyError).validation) {
      // A route schema refused the input (src/http/schemas.ts words the message).
      const details = (error as Error & { details?: Record<string, unknown> }).details;
      return reply.code(HTTP_STATUS.validation_failed).send(errorBody(request.url, "validation_failed", error.message, details));
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Malformed JSON, oversized body, schema validation…
      const code = status === 413 ? "payload_too_large" : "validation_failed";
      return reply.code(status).send(errorBody(request.url, code, error.message));
    }
    if (isDatabaseUnavailable(error)) {
      // The database restarts or is out of reach: nothing was stored; the pool reconnects by itself.
      request.log.warn({ err: error }, "database unavailable");
      return reply
        .code(503)
        .header("retry-after", "5")
        .send(errorBody(request.url, "unavailable", "The database is unavailable for a moment; nothing was saved. Try again in a few seconds."));
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.code(500).send(errorBody(request.url, "internal", "Something went wrong on our side; the error was logged."));
  });
  fastify.setNotFoundHandler((request, reply) => {
    const message = isMastodonPath(request.url) ? "Record not found" : `No route for ${request.method} ${request.url.split("?")[0]}`;
    return reply.code(404).send(errorBody(request.url, "not_found", message));
  });
}
