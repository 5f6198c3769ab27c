// BENCH_LANE_TRACE=<file>: the instance under benchmark writes, every 250 ms,
// a line of JSON with its delivery lanes' counts (src/federation/delivery-lanes.ts,
// `stats()`) and how late the sampling timer fired (the event loop's lag), so
// a run shows where deliveries waited: in flight to hosts that never answered,
// waiting for a host's turn, or behind a busy event loop.
import { appendFileSync } from "node:fs";
import { findFetchLayer } from "../../src/federation/fetch-layer.ts";

const EVERY_MS = 250;

export function startLaneTrace(file: string | undefined): () => void {
  if (!file) return () => {};
  // One file per instance process (a scenario may start several, one after the other).
  const out = `${file}.${process.pid}.jsonl`;
  const lanes = findFetchLayer<{ stats(): unknown }>(Symbol.for("ecotone.deliveryLanes"));
  const started = performance.now();
  let due = started + EVERY_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    appendFileSync(out, `${JSON.stringify({ at: Date.now(), t: Math.round(now - started), lagMs: Math.round(now - due), ...(lanes?.stats() as object) })}\n`);
    due = now + EVERY_MS;
  }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
