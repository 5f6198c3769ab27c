// Finding a post by its URL: ours, cached, or (when asked) fetched from its
// server through the federation layer.
import { findPostByUri } from "../db/repos/post.repo.ts";
import type { PostRow } from "../db/schema.ts";
import type { ServiceContext } from "./context.ts";

export async function resolvePostByUrl(ctx: ServiceContext, url: string, options: { fetch: boolean }): Promise<PostRow | null> {
  const cached = await findPostByUri(ctx.db, url);
  if (cached) return cached;
  if (!options.fetch || !ctx.remote?.resolvePost) return null;
  const uri = await ctx.remote.resolvePost(url).catch(() => null);
  return uri ? ((await findPostByUri(ctx.db, uri)) ?? null) : null;
}
