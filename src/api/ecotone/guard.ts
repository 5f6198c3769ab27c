// Route guards for the Ecotone API.
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../../domain/errors.ts";
import { hasScope } from "../../domain/scopes.ts";
import type { Caller } from "../../services/caller.ts";

export type { Caller };

/** The signed-in caller of a route whose `route(summary, scope)` options checked the scope already. */
export function signedIn(request: FastifyRequest): Caller {
  if (!request.auth) throw unauthorized("Sign in first: send an Authorization: Bearer <token> header");
  return request.auth;
}

export function requireCaller(request: FastifyRequest, scope: string): Caller {
  const auth = request.auth;
  if (!auth) throw unauthorized("Sign in first: send an Authorization: Bearer <token> header");
  if (!hasScope(auth.scopes, scope)) throw forbidden(`This token lacks the "${scope}" scope`);
  return auth;
}
