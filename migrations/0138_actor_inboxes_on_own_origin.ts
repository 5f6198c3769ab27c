// A remote actor's inbox and shared inbox are kept only on the actor's own
// origin (security finding 55): we POSTed our signed activities to another
// server's inbox named there. Actors stored before the rule lose such
// addresses now rather than at their next refresh (with no inbox they get no
// deliveries until their document names one of their own). Stored addresses
// are normalized URLs, so origins compare as text (as in 0121).
import { sql, type Kysely } from "kysely";

const ORIGIN = "^[a-z][a-z0-9+.-]*://[^/?#]+";

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ["inbox_url", "shared_inbox_url"]) {
    await sql`
      update actors set ${sql.ref(column)} = null
      where is_local = false and ${sql.ref(column)} is not null
        and substring(${sql.ref(column)} from ${ORIGIN}::text) is distinct from substring(uri from ${ORIGIN}::text)
    `.execute(db);
  }
}
