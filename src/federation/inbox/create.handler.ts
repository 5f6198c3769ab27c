// Create(Note|Article|Page): a post from its author — to one of our groups
// (we check membership and relay it), or to a member here. The gate has
// checked the activity's id against its actor; the post store checks the
// post's own id and attribution (src/domain/trust.rules.ts).
import { isActor, type Create } from "@fedify/vocab";
import { receivePost } from "../../services/posts/post-inbox.service.ts";
import { fromPostObject, isPostObject } from "../mappers/post.mapper.ts";
import { describe, rememberSender, signedLoader, type EcotoneInboxContext } from "./inbox.helpers.ts";

export async function onCreate(ctx: EcotoneInboxContext, create: Create): Promise<void> {
  const incoming = describe(create, "Create");
  if (!incoming) return;
  const object = await create.getObject({ documentLoader: await signedLoader(ctx), contextLoader: ctx.contextLoader });
  if (!isPostObject(object) || isActor(object)) return;
  const post = await fromPostObject(object);
  if (!post) return;
  const author = await rememberSender(ctx, create);
  if (!author) return;
  await receivePost(ctx.data, incoming, author, post, {
    announcedBy: null,
    activityJson: () => create.toJsonLd({ format: "compact" }),
  });
}
