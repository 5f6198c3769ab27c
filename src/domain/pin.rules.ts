// Pinning a post to one's profile, as Mastodon allows it: one's own posts
// only, at most MAX_PINNED_POSTS of them.
import { validationFailed } from "./errors.ts";

export const MAX_PINNED_POSTS = 5;

export function assertPinnable(post: { authorId: string }, pinnerId: string, alreadyPinned: number): void {
  if (post.authorId !== pinnerId) throw validationFailed("Validation failed: You can only pin your own posts");
  if (alreadyPinned >= MAX_PINNED_POSTS) {
    throw validationFailed(`Validation failed: You can pin at most ${MAX_PINNED_POSTS} posts: unpin one first`);
  }
}
