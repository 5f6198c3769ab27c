// A remote actor's outbox, followers and following collections are kept only
// on the actor's own origin (security finding 42): another server's member
// list named there was fetched with our instance actor's signature. Actors
// stored before the rule lose such addresses now rather than at their next
// refresh. Stored addresses are normalized URLs (scheme and host in lower
// case, no default port), so their origins compare as text.
import { sql, type Kysely } from "kysely";

const ORIGIN = "^[a-z][a-z0-9+.-]*://[^/?#]+";

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ["outbox_url", "followers_url", "following_url"]) {
    await sql`
      update actors set ${sql.ref(column)} = null
      where is_local = false and ${sql.ref(column)} is not null
        and substring(${sql.ref(column)} from ${ORIGIN}::text) is distinct from substring(uri from ${ORIGIN}::text)
    `.execute(db);
  }
}
