// Route guards for the Ecotone API.
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../../domain/errors.ts";
import { hasScope } from "../../domain/scopes.ts";
import type { Caller } from "../../services/caller.ts";

export type { Caller };

export function requireCaller(request: FastifyRequest, scope: string): Caller {
  const auth = request.auth;
  if (!auth) throw unauthorized("Sign in first: send an Authorization: Bearer <token> header");
  if (!hasScope(auth.scopes, scope)) throw forbidden(`This token lacks the "${scope}" scope`);
  return auth;
}
