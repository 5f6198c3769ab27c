// The viewer of a read: the signed-in user's actor, or nobody.
import type { FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import { assertReadScope } from "../../domain/scopes.ts";
import type { ServiceContext } from "../../services/context.ts";

/** The viewer of a read that answers signed out too: nobody, or a token with `scope` (403 without it). */
export async function viewerId(_ctx: ServiceContext, request: FastifyRequest, scope = "read:statuses"): Promise<string | null> {
  const auth = request.auth;
  if (!auth) return null;
  assertReadScope(auth.scopes, scope);
  return auth.actorId;
}

/** The signed-in author, to answer a write with what it wrote: the route checked its write scope. */
export async function authorId(_ctx: ServiceContext, request: FastifyRequest): Promise<string | null> {
  const auth = request.auth;
  return auth?.actorId ?? null;
}

export function body<T extends object>(request: FastifyRequest): Partial<T> {
  const value = request.body;
  return value && typeof value === "object" ? (value as Partial<T>) : {};
}

/** A string field of a request body; undefined when absent, a 422 when required or of the wrong type. */
export function bodyText(value: unknown, field: string, required = false): string | undefined {
  if (value === undefined || value === null || value === "") {
    if (required) throw validationFailed(`"${field}" is required`, { field });
    return undefined;
  }
  if (typeof value !== "string") throw validationFailed(`"${field}" must be a string`, { field });
  return value;
}
