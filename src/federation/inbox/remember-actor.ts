// Fetches and caches an actor named in an activity (not the signer).
import { isActor } from "@fedify/vocab";
import type { ActorRow } from "../../db/schema.ts";
import { rememberRemoteActor } from "../../services/accounts/actor.service.ts";
import { fromActor } from "../mappers/actor.mapper.ts";
import { signedLoader, type EcotoneInboxContext } from "./inbox.helpers.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function rememberActorByUri(ctx: EcotoneInboxContext, uri: URL): Promise<ActorRow | null> {
  if (sameOrigin(uri.href, ctx.origin)) return null;
  const object = await ctx.lookupObject(uri, { documentLoader: await signedLoader(ctx) }).catch(() => null);
  if (!object || !isActor(object) || object.id?.href !== uri.href) return null;
  return rememberRemoteActor(ctx.data, await fromActor(object));
}
