// What a batch of deliveries will read from the key-value store, read in one
// statement before they run.
//
// Fedify reads two entries per delivery: the circuit-breaker state of the
// inbox's host (before sending, and again after the answer) and the
// signature spec its origin is known to accept. For a healthy peer the first
// is absent and the second rarely changes, yet each was a statement per
// delivery — two of the four a fan-out delivery cost (docs/performance.md,
// "Session 6 (delivery)"). The delivery queue hands each leased batch here
// first (QueueOptions.beforeBatch), and the key-value store keeps what it
// found (ADR 0110). The key shapes are Fedify 2.3's default prefixes
// (`kvPrefixes`, which federation.ts leaves as they are).

export type KvKey = readonly [string, ...string[]];

export interface PrefetchingKv {
  prefetch(keys: readonly KvKey[], options: { absentForMs: number }): Promise<void>;
}

const CIRCUIT: readonly [string, string] = ["_fedify", "circuit"];
const SIGNATURE_SPEC: readonly [string, string] = ["_fedify", "httpMessageSignaturesSpec"];

/** The key-value entries Fedify will read to send these outbox messages. */
export function deliveryStateKeys(messages: readonly unknown[]): KvKey[] {
  const keys = new Map<string, KvKey>();
  for (const message of messages) {
    const inbox = message && typeof message === "object" ? (message as { type?: unknown; inbox?: unknown }) : null;
    if (inbox?.type !== "outbox" || typeof inbox.inbox !== "string") continue;
    let url: URL;
    try {
      url = new URL(inbox.inbox);
    } catch {
      continue;
    }
    keys.set(`c ${url.host}`, [...CIRCUIT, url.host]);
    keys.set(`s ${url.origin}`, [...SIGNATURE_SPEC, url.origin]);
  }
  return [...keys.values()];
}

/**
 * Reads the batch's hosts' state in one statement. An absent breaker state is
 * then taken as read for `absentForMs`: long enough for a delivery's second
 * read after its answer (the response-head deadline, ADR 0102).
 */
export async function prefetchDeliveryState(kv: PrefetchingKv, messages: readonly unknown[], absentForMs: number): Promise<void> {
  const keys = deliveryStateKeys(messages);
  if (keys.length > 0) await kv.prefetch(keys, { absentForMs });
}
