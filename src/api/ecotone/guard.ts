// Route guards for the Ecotone API.
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../../domain/errors.ts";
import { hasScope } from "../../domain/scopes.ts";

export interface Caller {
  userId: string;
  username: string;
  role: string;
  scopes: string[];
}

export function requireCaller(request: FastifyRequest, scope: string): Caller {
  const auth = (request as FastifyRequest & { auth?: Caller | null }).auth;
  if (!auth) throw unauthorized("Sign in first: send an Authorization: Bearer <token> header");
  if (!hasScope(auth.scopes, scope)) throw forbidden(`This token lacks the "${scope}" scope`);
  return auth;
}
