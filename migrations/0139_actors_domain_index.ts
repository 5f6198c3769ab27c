// The accounts on a domain a viewer blocked are left out of every timeline
// (hidden.queries.ts: `actors.domain in (the viewer's blocked domains)`).
// Without an index on the domain that is a scan of every actor we know, in
// every timeline statement of anyone who blocks a domain (50,000 rows at the
// benchmark's size); with it, a look-up per blocked domain.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists actors_domain_idx on actors (domain)`.execute(db);
}
