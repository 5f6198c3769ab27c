// Like: a member likes a post (sent to the group that holds it, or to us as
// the author's instance).
import type { Like } from "@fedify/vocab";
import { receiveLike } from "../../services/posts/post-inbox.service.ts";
import { describe, rememberSender, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onLike(ctx: EcotoneInboxContext, like: Like): Promise<void> {
  const incoming = describe(like, "Like");
  if (!incoming || !like.objectId) return;
  const liker = await rememberSender(ctx, like);
  if (!liker) return;
  await receiveLike(ctx.data, incoming, liker, like.objectId.href, {
    announcedBy: null,
    activityJson: () => like.toJsonLd({ format: "compact" }),
  });
}
