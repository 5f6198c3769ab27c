// An incoming post's three writes as one statement: the tombstone check, the
// inbox-log record and the post row (issue 18, ADR 0107). Each of them was a
// round trip of its own, inside a transaction of two more (begin, commit);
// on PGlite every round trip runs on the instance's own thread, so they were
// the largest share of an activity's cost beyond what Fedify spends.
//
// One statement is atomic by itself: the inbox log is written if and only if
// the post is (a retry after a failure finds neither), exactly as applyOnce
// (src/services/incoming.ts) writes them in one transaction. The log row is
// the one recordIncomingActivity writes (keyed by the actor's or the relay's origin).
import { sql, type Insertable, type Kysely, type Transaction } from "kysely";
import { loggedOrigin, type LoggedActivity } from "./inbox-log.repo.ts";
import type { Database, PostsTable } from "../schema.ts";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * "tombstoned": a Delete came first, nothing written. "duplicate": the
 * activity id was logged before, nothing written. "logged": the activity is
 * logged now but a post with that URI existed (another activity carried it).
 * "stored": both written.
 */
export type IncomingPostWrite = "tombstoned" | "duplicate" | "logged" | "stored";

export async function insertIncomingPost(db: Db, activity: LoggedActivity, post: Insertable<PostsTable>): Promise<IncomingPostWrite> {
  const columns = (Object.keys(post) as Array<keyof typeof post>).filter((c) => post[c] !== undefined);
  // INSERT … SELECT (not VALUES) so that each insert can carry its
  // condition; PostgreSQL types the parameters from the target columns.
  const { rows } = await sql<{ tombstoned: boolean; fresh: boolean; stored: boolean }>`
    with tomb as (select 1 from tombstones where uri = ${post.uri}),
    log as (
      insert into inbox_activities (origin, activity_uri, type, actor_uri)
      select ${loggedOrigin(activity)}, ${activity.uri}, ${activity.type}, ${activity.actorUri}
      where not exists (select 1 from tomb)
      on conflict (origin, activity_uri) do nothing
      returning 1
    ),
    ins as (
      insert into posts (${sql.join(columns.map((c) => sql.ref(c)))})
      select ${sql.join(columns.map((c) => sql.val(post[c])))}
      where exists (select 1 from log)
      on conflict (uri) do nothing
      returning 1
    )
    select exists (select 1 from tomb) as tombstoned, exists (select 1 from log) as fresh, exists (select 1 from ins) as stored`.execute(db);
  const row = rows[0]!;
  if (row.tombstoned) return "tombstoned";
  if (!row.fresh) return "duplicate";
  return row.stored ? "stored" : "logged";
}
