// Limits and rules about posts.
import { forbidden, validationFailed } from "./errors.ts";

export const MAX_POST_CHARS = 10_000;
export const MAX_TITLE_CHARS = 300;

export function checkPostText(text: string, title?: string | null, hasMedia = false): void {
  if (text.trim() === "" && !hasMedia) throw validationFailed("A post needs some text", { field: "content" });
  if (text.length > MAX_POST_CHARS) {
    throw validationFailed(`A post is at most ${MAX_POST_CHARS} characters (this one has ${text.length})`, { field: "content" });
  }
  if (title && title.length > MAX_TITLE_CHARS) {
    throw validationFailed(`A title is at most ${MAX_TITLE_CHARS} characters`, { field: "title" });
  }
}

/** Only the author edits; the author or the group's moderators delete. */
export function assertCanEdit(isAuthor: boolean): void {
  if (!isAuthor) throw forbidden("Only the author can edit this post");
}

export function assertCanDelete(isAuthor: boolean, isGroupModerator: boolean): void {
  if (!isAuthor && !isGroupModerator) throw forbidden("Only the author or the group's moderators can delete this post");
}
