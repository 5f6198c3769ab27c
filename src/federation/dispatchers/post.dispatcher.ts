// Serves posts as Note (/posts/{id}) and Article (/articles/{id}). Posts of
// members-only groups go only to members (or their instances' actors),
// followers-only and direct posts only to their audience; anyone else gets 404.
import type { Federation, RequestContext } from "@fedify/fedify";
import { Article, Note, Question } from "@fedify/vocab";
import { getPostEntry } from "../../db/queries/post.queries.ts";
import { canFetchGroupContent, viewerOfRequester } from "../../services/groups/access.service.ts";
import { canSeePost } from "../../services/visibility.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { postObjectOf } from "../mappers/post.mapper.ts";
import { requesterOf } from "./access.ts";

async function load(ctx: RequestContext<ServiceContext>, id: string) {
  const entry = await getPostEntry(ctx.data.db, id, null);
  if (!entry || !entry.post.is_local) return null;
  return postObjectOf(entry, new URL(ctx.origin));
}

/** Whether the requester may fetch a post (and the activities about it). */
export async function authorized(ctx: RequestContext<ServiceContext>, id: string): Promise<boolean> {
  const entry = await getPostEntry(ctx.data.db, id, null);
  if (!entry) return true; // the dispatcher answers 404
  if (entry.post.visibility === "public") return true;
  // Unlisted, followers-only and direct posts: the one visibility rule, for the signer.
  if (!entry.post.group_id) return canSeePost(ctx.data, viewerOfRequester(await requesterOf(ctx)), entry.post);
  return canFetchGroupContent(ctx.data, entry.post.group_id, await requesterOf(ctx));
}

export function registerPostDispatchers(federation: Federation<ServiceContext>): void {
  federation
    .setObjectDispatcher(Note, "/posts/{id}", async (ctx, { id }) => {
      const object = await load(ctx, id);
      return object instanceof Note ? object : null;
    })
    .authorize((ctx, { id }) => authorized(ctx, id));
  federation
    .setObjectDispatcher(Article, "/articles/{id}", async (ctx, { id }) => {
      const object = await load(ctx, id);
      return object instanceof Article ? object : null;
    })
    .authorize((ctx, { id }) => authorized(ctx, id));
  // A post with a poll is a Question (Mastodon's polls), at its own path.
  federation
    .setObjectDispatcher(Question, "/polls/{id}", async (ctx, { id }) => {
      const object = await load(ctx, id);
      return object instanceof Question ? object : null;
    })
    .authorize((ctx, { id }) => authorized(ctx, id));
}
