// Create(Note|Article|Page): a post from its author — to one of our groups
// (we check membership and relay it), or to a member here.
import { isActor, type Create } from "@fedify/vocab";
import { receivePost } from "../../services/post-inbox.service.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, signedLoader, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onCreate(ctx: EcotoneInboxContext, create: Create): Promise<void> {
  const incoming = describe(create, "Create");
  if (!incoming) return;
  const object = await create.getObject({ documentLoader: await signedLoader(ctx), contextLoader: ctx.contextLoader });
  if (!isPostObject(object) || isActor(object)) return;
  const post = await fromPostObject(object);
  // The object must be attributed to the activity's (verified) actor, and
  // neither id may claim a place on another server (it would pre-empt that
  // server's real activity or post with the same id).
  if (!post || post.authorUri !== incoming.actorUri) return;
  const actorOrigin = new URL(incoming.actorUri).origin;
  if (new URL(incoming.uri).origin !== actorOrigin || new URL(post.uri).origin !== actorOrigin) return;
  const author = await rememberSender(ctx, create);
  if (!author) return;
  await receivePost(ctx.data, incoming, author, post, {
    announcedBy: null,
    activityJson: await create.toJsonLd({ format: "compact" }),
  });
}
