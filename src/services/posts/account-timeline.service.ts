// One account's statuses as apps show a profile: its posts and boosts, with
// Mastodon's filters (pinned, only_media, exclude_replies, exclude_reblogs,
// tagged). A group account's statuses are the group's timeline: its posts and
// the posts shared into it. This is the door for an account's statuses: it
// asks the visibility rule whether the account exists for the viewer (a
// secret group does not, for outsiders), for a group together with its posts.
import { listGroupPosts } from "../../db/queries/post.queries.ts";
import type { ActorRow } from "../../db/schema.ts";
import type { ServiceContext } from "../context.ts";
import { listPinnedPostIds } from "./pin.service.ts";
import { notFound } from "../../domain/errors.ts";
import { assertCanSeeActor, readGroupTimeline, viewerOf } from "../visibility.service.ts";
import { getAccountTimeline, getPostEntries, getPostsAndBoostsBy, type HomeItem, type PageBounds, type PostEntry } from "./timeline.service.ts";

export interface ProfileFilters {
  pinned?: boolean | undefined;
  onlyMedia?: boolean | undefined;
  excludeReplies?: boolean | undefined;
  excludeReblogs?: boolean | undefined;
  tagged?: string | undefined;
}

const asPosts = (entries: PostEntry[]): HomeItem[] => entries.map((entry) => ({ kind: "post", id: entry.post.id, entry }));

export async function getProfileItems(
  ctx: ServiceContext,
  viewerId: string | null,
  account: ActorRow,
  bounds: PageBounds,
  filters: ProfileFilters = {},
): Promise<HomeItem[]> {
  // A group's timeline asks the rule about the group with its posts, on one read of the facts.
  if (account.type === "Group" && !filters.pinned && !filters.excludeReblogs) return groupItems(ctx, viewerId, account, bounds, filters);
  await assertCanSeeActor(ctx, viewerOf(viewerId), account);
  if (filters.pinned) {
    // At most a handful, shown at once: a second page is empty.
    if (bounds.maxId || bounds.minId || bounds.sinceId) return [];
    const ids = await listPinnedPostIds(ctx, account.id);
    const entries = new Map((await getPostEntries(ctx, viewerId, ids)).map((e) => [e.post.id, e]));
    return asPosts(ids.map((id) => entries.get(id)).filter((e): e is PostEntry => e !== undefined)).slice(0, bounds.limit);
  }
  // A group writes nothing itself: everything on its timeline is a post it shared.
  if (account.type === "Group") return [];
  // A boost carries no media or tag of its own, so those filters leave boosts out, as on Mastodon.
  if (filters.excludeReblogs || filters.onlyMedia || filters.tagged) return asPosts(await getAccountTimeline(ctx, viewerId, account.id, bounds, filters));
  return getPostsAndBoostsBy(ctx, viewerId, account.id, bounds, { excludeReplies: filters.excludeReplies });
}

/** The group's timeline (the query behind the group page), filtered and paged by id. */
async function groupItems(ctx: ServiceContext, viewerId: string | null, group: ActorRow, bounds: PageBounds, filters: ProfileFilters): Promise<HomeItem[]> {
  const page = await listGroupPosts(ctx.db, group.id, { cursor: bounds.maxId ?? null, limit: bounds.limit, viewerId });
  const wanted = page.items.filter(
    (entry) =>
      !(bounds.sinceId && entry.post.id <= bounds.sinceId) &&
      !(bounds.minId && entry.post.id <= bounds.minId) &&
      !(filters.onlyMedia && entry.media.length === 0) &&
      !(filters.tagged && !entry.tags.includes(filters.tagged.toLowerCase())),
  );
  // The door every reader of a group's content goes through (as findGroupWithReadableContent):
  // a secret group is not there for outsiders, and a members-only group's timeline lists nothing
  // to them, not even the public posts shared into it.
  const read = await readGroupTimeline(ctx, viewerOf(viewerId), group.id, wanted, (entry) => entry.post);
  if (!read.group) throw notFound("Record not found");
  return asPosts(read.items);
}
