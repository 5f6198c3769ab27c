// Writing through a client app: a status that mentions a group the author
// belongs to is posted into that group (Mastodon and Lemmy users address a
// group by mentioning it); a reply stays in its thread's group.
import { parseAudience } from "../../domain/post-audience.rules.ts";
import type { NewPoll } from "../../domain/poll.rules.ts";
import { resolveActor } from "../accounts/actor.service.ts";
import type { ServiceContext } from "../context.ts";
import { isMember } from "../../domain/group.rules.ts";
import { membershipOf } from "../groups/group.service.ts";
import { extractMentionHandles, qualifyMention } from "../html.ts";
import { requireLocalUserActor } from "../accounts/actor.service.ts";
import { createPost, type PostView } from "./post.service.ts";

export interface NewStatus {
  text: string;
  inReplyToId?: string | undefined;
  visibility?: string | undefined;
  spoilerText?: string | undefined;
  sensitive?: boolean | undefined;
  language?: string | undefined;
  mediaIds?: string[] | undefined;
  poll?: NewPoll | undefined;
}

export async function createStatus(ctx: ServiceContext, username: string, input: NewStatus): Promise<PostView> {
  const visibility = parseAudience(input.visibility);
  let group: string | undefined;
  // A direct message that names a group is for the people named, not a post in the group.
  if (!input.inReplyToId && visibility !== "direct") {
    const author = await requireLocalUserActor(ctx, username);
    for (const handle of extractMentionHandles(input.text)) {
      const actor = await resolveActor(ctx, qualifyMention(handle, ctx.origin.host)).catch(() => null);
      if (actor?.type !== "Group") continue;
      if (isMember(await membershipOf(ctx, actor.id, author.id))) {
        group = actor.id;
        break;
      }
    }
  }
  return createPost(ctx, username, {
    content: input.text,
    group,
    inReplyTo: input.inReplyToId,
    visibility,
    summary: input.spoilerText,
    sensitive: input.sensitive,
    language: input.language,
    mediaIds: input.mediaIds,
    poll: input.poll,
  });
}
