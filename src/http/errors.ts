// The one place where typed errors become HTTP responses.
import type { FastifyError, FastifyInstance } from "fastify";
import { DomainError, type ErrorCode } from "../domain/errors.ts";

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
};

export function statusOf(error: DomainError): number {
  return STATUS[error.code];
}

export function registerErrorHandler(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError | DomainError | Error, request, reply) => {
    if (error instanceof DomainError) {
      return reply.code(statusOf(error)).send({
        error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      // Malformed JSON, oversized body, schema validation…
      const code = status === 413 ? "payload_too_large" : "validation_failed";
      return reply.code(status).send({ error: { code, message: error.message } });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply
      .code(500)
      .send({ error: { code: "internal", message: "Something went wrong on our side; the error was logged." } });
  });
  fastify.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ error: { code: "not_found", message: `No route for ${request.method} ${request.url.split("?")[0]}` } });
  });
}
