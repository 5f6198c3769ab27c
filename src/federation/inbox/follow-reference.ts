// Which follow an Accept, Reject or Undo refers to. Peers embed the Follow
// (Mastodon) or name only its id; either way we never fetch it, since the
// Follow is usually ours and the id is enough.
import { Follow, type Activity } from "@fedify/vocab";
import type { FollowReference } from "../../services/accounts/follow.service.ts";
import type { EcotoneInboxContext } from "./inbox.helpers.ts";
import { sameOrigin } from "../../domain/trust.rules.ts";

export async function followReference(ctx: EcotoneInboxContext, activity: Activity): Promise<FollowReference | null> {
  const objectId = activity.objectId;
  let embedded: unknown = null;
  try {
    // Embedded objects come back without a fetch; a bare id on our own
    // origin would be fetched, so skip that case.
    if (!objectId || !sameOrigin(objectId.href, ctx.origin)) {
      embedded = await activity.getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader });
    }
  } catch {
    embedded = null;
  }
  if (embedded && !(embedded instanceof Follow)) return null;
  const follow = embedded as Follow | null;
  return {
    followActivityUri: (follow?.id ?? objectId)?.href ?? null,
    followerUri: follow?.actorId?.href ?? "",
    followeeUri: follow?.objectId?.href ?? "",
  };
}
