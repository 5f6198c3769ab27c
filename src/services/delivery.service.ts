// What `ecotone federation status` shows: per-instance queue depth, retries,
// and hosts parked by the circuit breaker.
import { countPendingOutboxEvents } from "../db/repos/outbox.repo.ts";
import { circuitStates, queueDepthByHost, queueTotals } from "../db/queries/delivery.queries.ts";
import type { ServiceContext } from "./context.ts";

export async function getDeliveryStatus(ctx: ServiceContext) {
  const [hosts, circuits, totals, pendingEvents] = await Promise.all([
    queueDepthByHost(ctx.db),
    circuitStates(ctx.db),
    queueTotals(ctx.db),
    countPendingOutboxEvents(ctx.db),
  ]);
  const parked = new Map(circuits.filter((c) => c.state !== "closed").map((c) => [c.host, c]));
  const names = new Set([...hosts.map((h) => h.host), ...parked.keys()]);
  return {
    pendingOutboxEvents: pendingEvents,
    queues: totals,
    instances: [...names].sort().map((host) => {
      const row = hosts.find((h) => h.host === host);
      const circuit = parked.get(host);
      return {
        host,
        queued: row?.queued ?? 0,
        retrying: row?.retrying ?? 0,
        maxAttempt: row?.maxAttempt ?? 0,
        oldest: row?.oldest?.toISOString() ?? null,
        parked: circuit ? circuit.state : null,
      };
    }),
  };
}
