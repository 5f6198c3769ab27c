// Who may fetch members-only things: a signed request whose key owner is a
// member of the group, or the instance actor of an instance that has members.
// Everyone else, signed or not, learns nothing (404).
import type { RequestContext } from "@fedify/fedify";
import { Application } from "@fedify/vocab";
import { findCachedActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { canFetchGroupContent, type Requester } from "../../services/groups/access.service.ts";
import { peerAllowed } from "../../services/organizations/federation-policy.service.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function signedRequester(ctx: RequestContext<ServiceContext>) {
  const [key, owner] = await Promise.all([ctx.getSignedKey().catch(() => null), ctx.getSignedKeyOwner().catch(() => null)]);
  if (!key?.id || !owner?.id) return null;
  // Fedify links a key and its owner wherever each is served; we act for the
  // owner, so the key must be on the owner's origin (as Mastodon's are), and
  // the policy is asked about the owner's host: a blocked instance signing
  // with a key document served from a throw-away domain is nobody here
  // (docs/security.md, finding 39; the adapter's early refusal looks only
  // at the key id's host).
  if (!sameOrigin(key.id.href, owner.id.href)) return null;
  if (!(await peerAllowed(ctx.data, owner.id.host))) return null;
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
