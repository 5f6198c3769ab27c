// Access rules for fetches from other servers, one place for every object
// type: public groups' content is public; members-only and secret groups'
// content goes only to members, or to the instance actor of an instance that
// has members (it fetches on their behalf).
import { findGroupByActorId, hasMemberOnDomain } from "../db/queries/group.queries.ts";
import { canReadContent } from "../domain/group.rules.ts";
import type { ServiceContext } from "./context.ts";
import { membershipOf } from "./group.service.ts";

export interface Requester {
  actorId: string;
  uri: string;
  isInstanceActor: boolean;
  host: string;
}

export async function canFetchGroupContent(
  ctx: ServiceContext,
  groupId: string,
  requester: Requester | null,
  _what: { members?: boolean } = {},
): Promise<boolean> {
  const group = await findGroupByActorId(ctx.db, groupId);
  if (!group) return false;
  if (group.group.visibility === "public") return true;
  if (!requester) return false;
  if (requester.isInstanceActor) return hasMemberOnDomain(ctx.db, groupId, requester.host);
  return canReadContent(group.group.visibility, await membershipOf(ctx, groupId, requester.actorId));
}
