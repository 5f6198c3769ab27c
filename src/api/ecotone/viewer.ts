// The viewer of a read: the signed-in user's actor, or nobody.
import type { FastifyRequest } from "fastify";
import { requireLocalUserActor } from "../../services/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { Caller } from "./guard.ts";

export async function viewerId(ctx: ServiceContext, request: FastifyRequest): Promise<string | null> {
  const auth = (request as FastifyRequest & { auth?: Caller | null }).auth;
  if (!auth) return null;
  return (await requireLocalUserActor(ctx, auth.username)).id;
}

export function body<T extends object>(request: FastifyRequest): Partial<T> {
  const value = request.body;
  return value && typeof value === "object" ? (value as Partial<T>) : {};
}
