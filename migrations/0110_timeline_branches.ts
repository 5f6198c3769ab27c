// Indexes for timelines read one branch at a time (ADR 0113): each source of
// a page is an index scan in id order that stops after the page's LIMIT.
// - a hashtag's posts, newest first (the tag timeline and followed tags at home);
//   it replaces the tag-only index, which it covers;
// - a group's top-level posts, newest first (replies in a busy group no longer
//   have to be read and discarded);
// - posts shared into a group, by post id (the group timeline orders by post).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index post_tags_tag_post_idx on post_tags (tag, post_id desc)`.execute(db);
  await sql`drop index if exists post_tags_tag_idx`.execute(db);
  await sql`create index posts_group_top_idx on posts (group_id, id desc) where in_reply_to_uri is null`.execute(db);
  await sql`create index post_shares_group_post_idx on post_shares (group_id, post_id desc)`.execute(db);
}
