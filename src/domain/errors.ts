// Typed errors thrown by services. One HTTP error handler maps them to status
// codes; the CLI prints their message. `code` is stable for API clients.
export type ErrorCode = "validation_failed" | "not_found" | "conflict" | "forbidden" | "unauthorized" | "rate_limited" | "payload_too_large" | "unavailable";

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
  }
}

export const validationFailed = (message: string, details?: Record<string, unknown>) => new DomainError("validation_failed", message, details);
export const notFound = (message: string) => new DomainError("not_found", message);
export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError("conflict", message, details);
export const forbidden = (message: string) => new DomainError("forbidden", message);
export const unauthorized = (message: string) => new DomainError("unauthorized", message);
export const unavailable = (message: string) => new DomainError("unavailable", message);

/** The HTTP status each code answers with, wherever an error leaves over HTTP (API or inbox). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
};
