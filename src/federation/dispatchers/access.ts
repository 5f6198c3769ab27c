// Who may fetch members-only things: a signed request whose key owner is a
// member of the group, or the instance actor of an instance that has members.
// Everyone else, signed or not, learns nothing (404).
import type { RequestContext } from "@fedify/fedify";
import { Application } from "@fedify/vocab";
import { findCachedActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { canFetchGroupContent, type Requester } from "../../services/groups/access.service.ts";

export async function signedRequester(ctx: RequestContext<ServiceContext>) {
  const owner = await ctx.getSignedKeyOwner().catch(() => null);
  if (!owner?.id) return null;
  return { uri: owner.id.href, isInstanceActor: owner instanceof Application, host: owner.id.host };
}

/** The signed requester as the access rules see it (members are always cached). */
export async function requesterOf(ctx: RequestContext<ServiceContext>): Promise<Requester | null> {
  const requester = await signedRequester(ctx);
  if (!requester) return null;
  if (requester.isInstanceActor) return { actorId: "", ...requester };
  const cached = await findCachedActor(ctx.data, requester.uri);
  return cached ? { actorId: cached.id, ...requester } : null;
}

export async function canListMembers(ctx: RequestContext<ServiceContext>, groupId: string): Promise<boolean> {
  return canFetchGroupContent(ctx.data, groupId, await requesterOf(ctx), { members: true });
}
