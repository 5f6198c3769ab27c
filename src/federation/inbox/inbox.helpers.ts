// Small pieces every inbox handler uses.
import type { Context, InboxContext } from "@fedify/fedify";
import { isActor, type Activity } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/vocab-runtime";
import type { ActorRow } from "../../db/schema.ts";
import { INSTANCE_ACTOR_IDENTIFIER } from "../../domain/uris.ts";
import { findSenderActor, rememberRemoteActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { IncomingActivity } from "../../services/incoming.ts";
import { fromActor } from "../mappers/actor.mapper.ts";

export type EcotoneInboxContext = InboxContext<ServiceContext>;

/** How long a fetched copy of a sender's actor document is reused. */
const SENDER_FRESH_MS = 10 * 60_000;

/** Fetches signed as the instance actor, so servers in secure mode answer. */
export function signedLoader(ctx: Context<ServiceContext>): Promise<DocumentLoader> {
  return ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR_IDENTIFIER });
}

/** The id, type and actor of an activity, as the idempotence log records them. */
export function describe(activity: Activity, type: string): IncomingActivity | null {
  if (!activity.id || !activity.actorId) return null;
  return { uri: activity.id.href, type, actorUri: activity.actorId.href };
}

/**
 * Fetches and caches the activity's actor. Fedify has already checked that
 * the signing key belongs to this actor.
 */
export async function rememberSender(ctx: EcotoneInboxContext, activity: Activity): Promise<ActorRow | null> {
  // Fedify has just checked the signature against this actor's key and
  // fetched its document to confirm ownership; a copy we fetched in the last
  // few minutes is as good (an Update from the actor refreshes it anyway),
  // and saves a second signed fetch per activity.
  const cached = activity.actorId ? await findSenderActor(ctx.data, activity.actorId.href) : null;
  if (cached && !cached.is_local && !cached.gone_at && cached.fetched_at && Date.now() - cached.fetched_at.getTime() < SENDER_FRESH_MS) {
    return cached;
  }
  const actor = await activity.getActor({ documentLoader: await signedLoader(ctx), contextLoader: ctx.contextLoader });
  if (!actor || !isActor(actor) || actor.id?.href !== activity.actorId?.href) return null;
  return rememberRemoteActor(ctx.data, await fromActor(actor));
}

/** The object's id without fetching it (it may be ours, or not served). */
export function objectIdOf(activity: Activity): URL | null {
  return activity.objectId;
}
