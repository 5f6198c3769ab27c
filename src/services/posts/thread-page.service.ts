// A thread as the web shows it: its first post, then its replies a page at a
// time, read from the database a page and one more at a time (LIMIT n+1,
// ADR 0056). Replies the viewer may not read are dropped by the one
// visibility rule and the page is refilled from the rows after them, as the
// groups directory does, so a page never comes up short while more follow.
import { findPostById } from "../../db/repos/post.repo.ts";
import { listThreadAfter, type PostEntry } from "../../db/queries/post.queries.ts";
import { notFound } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { filterVisiblePosts, viewerOf } from "../visibility.service.ts";
import { canViewPost, getPost, toPostView, type PostView } from "./post.service.ts";

export interface ThreadPage {
  /** The post asked for (a reply deep in the thread, or its first post). */
  focus: PostView;
  /** The thread's first post, when the viewer may read it. */
  first: PostView | null;
  replies: PostView[];
  /** The id of the last reply shown, when more follow. */
  next: string | null;
}

export async function threadPage(ctx: ServiceContext, postId: string, viewerId: string | null, after: string | undefined, size: number): Promise<ThreadPage> {
  const post = await findPostById(ctx.db, postId);
  if (!post || !(await canViewPost(ctx, post, viewerId))) throw notFound(`No post ${postId}`);
  const viewer = viewerOf(viewerId);
  const [head] = await listThreadAfter(ctx.db, post.thread_uri, viewerId, undefined, 1);
  const first = head && (await filterVisiblePosts(ctx, viewer, [head], (e) => e.post)).length === 1 ? toPostView(head) : null;
  // The replies start after the first post; a cursor that is no post of this thread starts over.
  const start = after !== undefined && (await findPostById(ctx.db, after))?.thread_uri === post.thread_uri ? after : head?.post.id;
  const shown: PostEntry[] = [];
  let from = start;
  let more = false;
  for (;;) {
    const batch = from === undefined ? [] : await listThreadAfter(ctx.db, post.thread_uri, viewerId, from, size + 1);
    shown.push(...(await filterVisiblePosts(ctx, viewer, batch, (e) => e.post)));
    if (shown.length > size) {
      more = true;
      break;
    }
    if (batch.length <= size) break;
    from = batch.at(-1)!.post.id;
  }
  const replies = shown.slice(0, size).map(toPostView);
  const focus = post.id === first?.id ? first : await getPost(ctx, post.id, viewerId);
  return { focus: focus!, first, replies, next: more ? replies.at(-1)!.id : null };
}
