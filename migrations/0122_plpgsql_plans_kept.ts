// Our PL/pgSQL functions (the insight triggers above all, which run for every
// incoming post, like and join) keep their statements' plans between calls,
// as they do on any PostgreSQL (ADR 0123).
//
// PGlite's connection runs with plan_cache_mode = force_custom_plan (ADR 0119,
// so a prepared statement is planned for its own values), and PL/pgSQL runs its
// statements as prepared plans too: under that setting every statement of
// every trigger call was planned again. The functions' statements are lookups
// and upserts by key, for which a generic plan is as good. A function-level
// setting applies to the function's own statements only; the statements our
// code sends keep force_custom_plan. On PostgreSQL the session is already
// `auto`: this changes nothing there.
//
// `create or replace function` drops the setting: a migration that replaces
// one of these functions runs this again (ecotone_keep_function_plans()).
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function ecotone_keep_function_plans() returns void language plpgsql as $$
    declare f regprocedure;
    begin
      for f in select p.oid::regprocedure from pg_proc p join pg_language l on l.oid = p.prolang
          where l.lanname = 'plpgsql' and p.proname like 'ecotone\\_%' and p.pronamespace = current_schema()::regnamespace loop
        execute format('alter function %s set plan_cache_mode = auto', f);
      end loop;
    end $$`.execute(db);
  await sql`select ecotone_keep_function_plans()`.execute(db);
}
