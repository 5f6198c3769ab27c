// The viewer of a read: the signed-in user's actor, or nobody.
import type { FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import { requireLocalUserActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";

export async function viewerId(ctx: ServiceContext, request: FastifyRequest): Promise<string | null> {
  const auth = request.auth;
  if (!auth) return null;
  return (await requireLocalUserActor(ctx, auth.username)).id;
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
