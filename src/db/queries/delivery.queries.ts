// Delivery health per remote instance: what waits in Fedify's outbox queue,
// how often it was retried, and which hosts the circuit breaker parked.
import { sql, type Kysely } from "kysely";
import type { Database } from "../schema.ts";

export interface HostQueueRow {
  host: string;
  queued: number;
  retrying: number;
  maxAttempt: number;
  oldest: Date;
}

export async function queueDepthByHost(db: Kysely<Database>): Promise<HostQueueRow[]> {
  const result = await sql<{ host: string; queued: number; retrying: number; max_attempt: number; oldest: Date }>`
    select split_part(split_part(message->>'inbox', '://', 2), '/', 1) as host,
           count(*)::int as queued,
           (count(*) filter (where coalesce((message->>'attempt')::int, 0) > 0))::int as retrying,
           coalesce(max((message->>'attempt')::int), 0)::int as max_attempt,
           min(created_at) as oldest
    from fedify_queue
    where queue = 'outbox' and message ? 'inbox'
    group by 1
    order by 2 desc`.execute(db);
  return result.rows.map((r) => ({ host: r.host, queued: r.queued, retrying: r.retrying, maxAttempt: r.max_attempt, oldest: r.oldest }));
}

export async function circuitStates(db: Kysely<Database>): Promise<Array<{ host: string; state: string; since: string | null }>> {
  const result = await sql<{ host: string; state: string; since: string | null }>`
    select key[3] as host, value->'v'->>'state' as state, value->'v'->>'opened' as since
    from fedify_kv
    where key[1:2] = array['_fedify', 'circuit']::text[] and array_length(key, 1) = 3
      and (expires_at is null or expires_at > now())`.execute(db);
  return result.rows;
}

export async function queueTotals(db: Kysely<Database>): Promise<Array<{ queue: string; queued: number }>> {
  const result = await sql<{ queue: string; queued: number }>`
    select queue, count(*)::int as queued from fedify_queue group by queue order by queue`.execute(db);
  return result.rows;
}
