// Access rules for fetches from other servers, one place for every object
// type: public groups' content is public; members-only and secret groups'
// content goes only to members, or to the instance actor of an instance that
// has members (it fetches on their behalf).
import type { ServiceContext } from "../context.ts";
import { canSeeGroupContent, canSeeMemberList, type Viewer } from "../visibility.service.ts";

export interface Requester {
  actorId: string;
  uri: string;
  isInstanceActor: boolean;
  host: string;
}

/** A signed requester as the visibility rule sees it. */
export function viewerOfRequester(requester: Requester | null): Viewer {
  if (!requester) return { kind: "anonymous" };
  if (requester.isInstanceActor) return { kind: "instance", host: requester.host };
  return requester.actorId ? { kind: "actor", actorId: requester.actorId } : { kind: "anonymous" };
}

export function canFetchGroupContent(ctx: ServiceContext, groupId: string, requester: Requester | null, what: { members?: boolean } = {}): Promise<boolean> {
  const viewer = viewerOfRequester(requester);
  return what.members ? canSeeMemberList(ctx, viewer, groupId) : canSeeGroupContent(ctx, viewer, groupId);
}
