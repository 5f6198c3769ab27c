// FEP-7888: each thread started here has a `context` collection
// (`/contexts/{root post id}`) listing its posts, oldest first, so a server can
// fetch a whole conversation. Members-only posts are listed only to whoever
// may fetch them; a thread whose first post they may not see is 404.
import type { Federation, RequestContext } from "@fedify/fedify";
import { Object as APObject } from "@fedify/vocab";
import { getPostEntry, listThread } from "../../db/queries/post.queries.ts";
import type { ServiceContext } from "../../services/context.ts";
import { postObjectOf } from "../mappers/post.mapper.ts";
import { authorized } from "./post.dispatcher.ts";

export const CONTEXT_PATH = "/contexts/{id}";

async function threadOf(ctx: RequestContext<ServiceContext>, id: string) {
  const root = await getPostEntry(ctx.data.db, id, null);
  if (!root?.post.is_local || root.post.thread_uri !== root.post.uri) return null;
  const visible = [];
  for (const entry of await listThread(ctx.data.db, root.post.uri, null)) {
    if (await authorized(ctx, entry.post.id)) visible.push(entry);
  }
  return visible;
}

export function registerContextDispatcher(federation: Federation<ServiceContext>): void {
  federation
    .setOrderedCollectionDispatcher("context", APObject, CONTEXT_PATH, async (ctx, { id }) => {
      const thread = await threadOf(ctx, id);
      if (!thread) return null;
      const origin = new URL(ctx.origin);
      return { items: thread.map((entry) => postObjectOf(entry, origin)) };
    })
    .setCounter(async (ctx, { id }) => (await threadOf(ctx, id))?.length ?? null)
    .authorize((ctx, { id }) => authorized(ctx, id ?? ""));
}
