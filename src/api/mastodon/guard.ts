// Route guards for the Mastodon API: a signed-in user with the right scope.
import type { FastifyRequest } from "fastify";
import { forbidden, unauthorized } from "../../domain/errors.ts";
import { assertReadScope, hasScope } from "../../domain/scopes.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { Caller } from "../../services/caller.ts";

/** The caller carries its actor, read with the token by the auth hook. */
export type MastodonCaller = Caller;

export async function requireUser(_ctx: ServiceContext, request: FastifyRequest, scope: string): Promise<MastodonCaller> {
  const auth = request.auth;
  if (!auth) throw unauthorized("The access token is invalid");
  if (!hasScope(auth.scopes, scope)) throw forbidden("This action is outside the authorized scopes");
  return auth;
}

/** The reader of a route that answers signed out too: nobody, or a token with `scope` (403 without it). */
export async function optionalUser(_ctx: ServiceContext, request: FastifyRequest, scope: string): Promise<MastodonCaller | null> {
  const auth = request.auth;
  if (!auth) return null;
  assertReadScope(auth.scopes, scope);
  return auth;
}

/**
 * The reader of a route Mastodon answers to any caller without checking a
 * scope (a tag, trending tags): a token without `scope` reads as nobody would,
 * rather than being refused, so it learns nothing of its user either way.
 */
export async function userIfScoped(_ctx: ServiceContext, request: FastifyRequest, scope: string): Promise<MastodonCaller | null> {
  const auth = request.auth;
  if (!auth || !hasScope(auth.scopes, scope)) return null;
  return auth;
}
