// Writing enqueued messages (a batch from queue-batch.ts) to fedify_queue:
// superseded edits dropped, keyed messages inserted blocked behind their key's
// head, a retry put back at the head of its key (ADR 0101).
import { sql, type Kysely } from "kysely";
import type { PendingRow } from "./queue-batch.ts";
import { supersedeKeyOf } from "./queue-supersede.ts";
import type { Database } from "./schema.ts";

export async function writeQueued(db: Kysely<Database>, queue: string, pending: PendingRow[]): Promise<void> {
  // Two edits of one object to one inbox in the same batch: only the newer goes.
  const lastOfKind = new Map<string, number>();
  pending.forEach((p, i) => {
    const k = supersedeKeyOf(p.message);
    if (k !== null) lastOfKind.set(k, i);
  });
  const seenKeys = new Set<string>();
  const retriedKeys: string[] = [];
  // Retried edits: dropped when a newer edit of the object to the inbox is queued.
  const retriedEdits = new Set<string>();
  const rows = pending.flatMap((p, i) => {
    const supersede = supersedeKeyOf(p.message);
    if (supersede !== null && lastOfKind.get(supersede) !== i) return [];
    const key = p.orderingKey;
    // A retry takes its original's place at the head of its key (it is
    // enqueued while the original is still held): it runs before the
    // messages queued behind the original, not after them.
    const retry = key !== null && isRetry(p.message) && !seenKeys.has(key);
    if (retry) retriedKeys.push(key);
    if (isRetry(p.message) && supersede !== null) retriedEdits.add(supersede);
    // Behind any queued message with the same key; within the batch, behind the first.
    const blocked =
      key === null || retry ? false : seenKeys.has(key) ? true : sql<boolean>`exists (select 1 from fedify_queue e where e.ordering_key = ${key})`;
    if (key !== null) seenKeys.add(key);
    return [
      {
        queue: queue,
        message: JSON.stringify(p.message),
        ordering_key: key,
        supersede_key: supersede,
        available_at: sql<Date>`now() + ${`${p.delayMs} milliseconds`}::interval`,
        blocked,
      },
    ];
  });
  // A retry of an older edit must not replace a newer one.
  const superseding = [...new Set(rows.map((r) => r.supersede_key).filter((k): k is string => k !== null && !retriedEdits.has(k)))];
  const write = async (trx: Kysely<Database>) => {
    if (retriedEdits.size > 0) {
      const newer = await trx
        .selectFrom("fedify_queue")
        .select("supersede_key")
        .where("queue", "=", queue)
        .where("supersede_key", "in", [...retriedEdits])
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]))
        .execute();
      const obsolete = new Set(newer.map((n) => n.supersede_key));
      for (let i = rows.length - 1; i >= 0; i--) {
        if (rows[i]!.supersede_key !== null && retriedEdits.has(rows[i]!.supersede_key!) && obsolete.has(rows[i]!.supersede_key)) {
          const key = rows[i]!.ordering_key;
          rows.splice(i, 1);
          const at = key === null ? -1 : retriedKeys.indexOf(key);
          if (at >= 0) retriedKeys.splice(at, 1);
        }
      }
    }
    if (superseding.length > 0) {
      // Older edits of the same objects to the same inboxes that have not left yet.
      const dropped = await trx
        .deleteFrom("fedify_queue")
        .where("queue", "=", queue)
        .where("supersede_key", "in", superseding)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]))
        .returning("ordering_key")
        .execute();
      // A dropped edit may have been the head of its key: the next one runs.
      const keys = [...new Set(dropped.map((d) => d.ordering_key).filter((k): k is string => k !== null))];
      if (keys.length > 0) await releaseHeads(trx, keys);
    }
    if (retriedKeys.length > 0) {
      // The messages that were waiting behind the original wait behind the retry.
      await trx
        .updateTable("fedify_queue")
        .set({ blocked: true })
        .where("ordering_key", "in", retriedKeys)
        .where("blocked", "=", false)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]))
        .execute();
    }
    // At most 500 rows a statement (PostgreSQL allows 65,535 parameters).
    if (rows.length === 0) return;
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto("fedify_queue")
        .values(rows.slice(i, i + 500) as never)
        .execute();
  };
  // One statement needs no transaction (one round trip less per batch); in
  // one already (queue-capture.ts), it joins it.
  if (!db.isTransaction && (superseding.length > 0 || retriedKeys.length > 0 || retriedEdits.size > 0 || rows.length > 500))
    await db.transaction().execute(write);
  else await write(db);
}

/** Makes the earliest queued message of each key runnable, unless the key already has a runnable one. */
async function releaseHeads(db: Kysely<Database>, keys: string[]): Promise<void> {
  await sql`
    update fedify_queue q set blocked = false
    where q.blocked and q.id in (
      select min(id) from fedify_queue where ordering_key in (${sql.join(keys)}) group by ordering_key
    ) and not exists (select 1 from fedify_queue r where r.ordering_key = q.ordering_key and not r.blocked)`.execute(db);
}

/** Fedify's retry of a failed message carries its attempt number. */
function isRetry(message: unknown): boolean {
  const attempt = message && typeof message === "object" ? (message as { attempt?: unknown }).attempt : undefined;
  return typeof attempt === "number" && attempt > 0;
}
