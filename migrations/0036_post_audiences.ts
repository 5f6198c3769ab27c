// Posts outside groups take Mastodon's four audiences: `unlisted` (public but
// kept out of public and tag timelines), `private` (followers and mentioned
// people) and `direct` (mentioned people only), beside `public` and a
// group's `members_only`.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table posts drop constraint if exists posts_visibility_check`.execute(db);
  await sql`alter table posts add constraint posts_visibility_check check (visibility in ('public', 'unlisted', 'private', 'direct', 'members_only'))`.execute(
    db,
  );
  // Mentions are looked up by post when deciding who may read a private or direct post.
  await sql`create index if not exists post_mentions_actor_idx on post_mentions (actor_uri, post_id)`.execute(db);
}
