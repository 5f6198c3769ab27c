// Search: full-text over posts (the 'simple' configuration: no stemming, so
// every language a company writes in is searched alike; HTML tags are not
// indexed by PostgreSQL's parser) and prefix look-ups of usernames, domains
// and hashtags for autocomplete. Works the same on PGlite and PostgreSQL.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index posts_fts_idx on posts using gin (to_tsvector('simple', coalesce(title, '') || ' ' || content_html))`.execute(db);
  await sql`create index actors_username_prefix_idx on actors (lower(username) text_pattern_ops)`.execute(db);
  await sql`create index post_tags_tag_prefix_idx on post_tags (tag text_pattern_ops)`.execute(db);
}
