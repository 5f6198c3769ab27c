// Building blocks of the Ecotone API's route schemas (TypeBox; validated by
// src/http/schemas.ts, documented by openapi.ts). A route is declared as
// `typed(fastify).post(path, route(summary, scope, { params, body }), handler)`:
// the scope is checked before the body is (a stranger gets 401, not 422), the
// handler gets checked, typed input and `signedIn(request)` the caller.
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest, FastifySchema } from "fastify";
import { requireCaller } from "./guard.ts";

export { Type };

/** The instance to declare routes on: request bodies and params typed from their schemas. */
export function typed(fastify: FastifyInstance) {
  return fastify.withTypeProvider<TypeBoxTypeProvider>();
}

/** A route's options: its summary, the token scope it needs (null: a public read) and its input schemas. */
export function route<S extends FastifySchema>(summary: string, scope: string | null, schema: S = {} as S) {
  if (!scope) return { schema: { ...schema, summary } };
  return {
    schema: { ...schema, summary, security: [{ bearer: [scope] }] },
    preValidation: async (request: FastifyRequest) => {
      requireCaller(request, scope);
    },
  };
}

/** An optional text field; null counts as absent (clients send either). */
export const OptionalText = (options: { maxLength?: number } = {}) => Type.Optional(Type.Union([Type.String(options), Type.Null()]));

/** A required, non-empty text field. */
export const RequiredText = (options: { maxLength?: number } = {}) => Type.String({ minLength: 1, ...options });

/** `{target}`: a handle (`@name@host`) or an actor URL. */
export const TargetBody = Type.Object({ target: RequiredText({ maxLength: 2048 }) });

export const IdParams = Type.Object({ id: Type.String() });

/** `:group` is an id, a local name, `@name@host` or a URL (URL-encoded). */
export const GroupParams = Type.Object({ group: Type.String() });

export const CursorQuery = Type.Object({ cursor: Type.Optional(Type.String()) });

/** null → undefined, for services that take optional fields. */
export const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;
