// The activities that stand for a post: its author's Create (sent when it is
// written, listed in the author's outbox) and its group's Announce (listed in
// the group's outbox). One builder, so the outbox shows what was sent.
import { Create } from "@fedify/vocab";
import type { PostEntry } from "../../db/queries/post.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import { groupAnnounce } from "../outbox/group-relay.ts";
import { addressing, postObjectOf } from "./post.mapper.ts";

export function createActivityOf(entry: PostEntry, origin: URL): Create {
  const { to, cc } = addressing(entry.post, entry.author, entry.group, entry.mentions);
  return new Create({
    id: new URL(`${entry.post.uri}#create`),
    actor: new URL(entry.author.uri),
    object: postObjectOf(entry, origin),
    tos: to,
    ccs: cc,
  });
}

/** What an actor's outbox lists for one of its public posts. */
export function outboxItemOf(owner: ActorRow, entry: PostEntry, origin: URL) {
  if (owner.type === "Group") {
    return groupAnnounce(owner, new URL(`${entry.post.uri}#announce`), postObjectOf(entry, origin), entry.post.visibility === "public");
  }
  return createActivityOf(entry, origin);
}
