// Idempotency-Key for the Ecotone API's POSTs, so a retrying CRM never
// creates twice: the first request with a key runs and its answer is kept
// for a day; the same key with the same request gets that answer again; the
// same key with a different request is refused (422); while the first is
// still running, a second gets 409. Keys are per caller (user).
import { createHash } from "node:crypto";
import {
  claimIdempotencyKey,
  deleteIdempotencyKeysBefore,
  findIdempotencyKey,
  reclaimAbandonedKey,
  releaseIdempotencyKey,
  storeIdempotentResponse,
} from "../../db/repos/idempotency.repo.ts";
import { conflict, validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";

export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** A claim this old with no answer belongs to a request that died: the key may be used again. */
const ABANDONED_MS = 60_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyOutcome = { kind: "proceed" } | { kind: "replay"; statusCode: number; body: string; contentType: string | null };

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest("hex");
}

let lastSweep = 0;

export async function beginIdempotent(ctx: ServiceContext, callerId: string, key: string, hash: string): Promise<IdempotencyOutcome> {
  if (!KEY.test(key)) throw validationFailed("Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice)", { field: "Idempotency-Key" });
  if (Date.now() - lastSweep > 60_000) {
    lastSweep = Date.now();
    await deleteIdempotencyKeysBefore(ctx.db, new Date(Date.now() - KEY_TTL_MS));
  }
  if (await claimIdempotencyKey(ctx.db, callerId, key, hash)) return { kind: "proceed" };
  const existing = await findIdempotencyKey(ctx.db, callerId, key);
  if (!existing) return (await claimIdempotencyKey(ctx.db, callerId, key, hash)) ? { kind: "proceed" } : beginIdempotent(ctx, callerId, key, hash);
  if (existing.status_code === null) {
    if (await reclaimAbandonedKey(ctx.db, callerId, key, hash, ABANDONED_MS)) return { kind: "proceed" };
    throw conflict("A request with this Idempotency-Key is still being processed; retry in a moment");
  }
  if (existing.request_hash !== hash) {
    throw validationFailed("This Idempotency-Key was used for a different request; use a new key for a new request", { field: "Idempotency-Key" });
  }
  return { kind: "replay", statusCode: existing.status_code, body: existing.response_body ?? "", contentType: existing.content_type };
}

/** Keeps the answer (anything but a server error, which the client may retry with the same key). */
export async function finishIdempotent(
  ctx: ServiceContext,
  callerId: string,
  key: string,
  response: { statusCode: number; body: string; contentType: string | null },
): Promise<void> {
  if (response.statusCode >= 500) await releaseIdempotencyKey(ctx.db, callerId, key);
  else await storeIdempotentResponse(ctx.db, callerId, key, response);
}
