// Dead and slow peers must not delay deliveries to healthy ones.
//
// Fedify sends each delivery with the global fetch and holds a queue slot
// until that fetch settles; a black hole (accepts the connection, never
// answers) held its slot for the whole outbound deadline (10 s), and with a
// fifth of a group's instances dead, all slots were soon held by them
// (docs/performance.md, "Faulty peers"). So, in front of the fetch, for
// deliveries only (signed POSTs of ActivityPub):
//
// - a short deadline for the response *head* (5 s by default): an inbox
//   answers 202 at once or not at all; the body, if any, keeps the whole
//   exchange's deadline;
// - three lanes. A host that answered in the last two minutes is in the
//   quick lane, with up to 32 in flight (a slow but live peer still gets a
//   steady stream). A host that timed out or refused the connection in the
//   last two minutes is in the slow lane: one delivery in flight, a second
//   is deferred at once (it fails, so Fedify retries it later with its
//   backoff, and its circuit breaker counts it). Any other host (not heard
//   from yet) is on probation: one delivery in flight until it answers,
//   since nobody can tell a black hole from a healthy peer before either
//   answered (at 500 instances, each black hole's deliveries of the posts
//   that followed the first went out before the first timed out, and took
//   every slot: Session 9);
// - a delivery waiting for its turn at a host gives its queue slot back
//   meanwhile (src/db/queue-slot.ts), so waiting for a dead host never keeps
//   work for a healthy one from being leased;
// - an accepted delivery's body is let go (a dripping "202" held its
//   connection until the deadline).
// Nothing is lost: a deferred delivery is retried like any failed one.
// See ADR 0102 and ADR 0129.
import { waitAside } from "../db/queue-slot.ts";
import { installFetchLayer } from "./fetch-layer.ts";

export interface DeliveryLaneOptions {
  headTimeoutMs: number;
  /** How long a failure keeps a host in the slow lane. */
  slowForMs?: number;
  quickPerHost?: number;
}

export class DeliveryDeferredError extends Error {
  constructor(host: string) {
    super(`Delivery to ${host} deferred: it did not answer recently and already has one in flight; it will be retried`);
    this.name = "DeliveryDeferredError";
  }
}

export class ResponseHeadTimeoutError extends Error {
  constructor(url: string, ms: number) {
    super(`${url} did not start answering within ${ms} ms`);
    this.name = "ResponseHeadTimeoutError";
  }
}

interface HostState {
  inFlight: number;
  failedAt: number | null;
  answeredAt: number | null;
  /** Deliveries waiting for one of the host's slots (woken all at once when one settles, to look again). */
  waiting: Array<() => void>;
}

type Lane = "quick" | "slow" | "probation";

const INSTALLED = Symbol.for("ecotone.deliveryLanes");
/** Deliveries that may wait for a host on probation; more are deferred (a waiting one holds memory, not a slot). */
const PROBATION_WAITING = 64;

export class DeliveryLanes {
  readonly #hosts = new Map<string, HostState>();
  #headTimeoutMs: number;
  readonly #slowForMs: number;
  readonly #quickPerHost: number;
  deferred = 0;

  constructor(options: DeliveryLaneOptions) {
    this.#headTimeoutMs = options.headTimeoutMs;
    this.#slowForMs = options.slowForMs ?? 120_000;
    this.#quickPerHost = options.quickPerHost ?? 32;
  }

  tighten(headTimeoutMs: number): void {
    this.#headTimeoutMs = Math.min(this.#headTimeoutMs, headTimeoutMs);
  }

  #state(host: string): HostState {
    let state = this.#hosts.get(host);
    if (!state) {
      if (this.#hosts.size > 50_000) this.#forgetIdle();
      state = { inFlight: 0, failedAt: null, answeredAt: null, waiting: [] };
      this.#hosts.set(host, state);
    }
    return state;
  }

  #forgetIdle(): void {
    for (const [host, state] of this.#hosts) if (state.inFlight === 0 && state.waiting.length === 0) this.#hosts.delete(host);
  }

  /** Deliveries in flight per lane, and waiting for a host's turn: what a trace of the lanes samples (bench/lib/lane-trace.ts). */
  stats(): { inFlight: Record<Lane, number>; waiting: number; deferred: number } {
    const inFlight: Record<Lane, number> = { quick: 0, slow: 0, probation: 0 };
    let waiting = 0;
    for (const state of this.#hosts.values()) {
      if (state.inFlight > 0) inFlight[this.#lane(state)] += state.inFlight;
      waiting += state.waiting.length;
    }
    return { inFlight, waiting, deferred: this.deferred };
  }

  isSlow(host: string): boolean {
    return this.laneOf(host) === "slow";
  }

  laneOf(host: string): Lane {
    const state = this.#hosts.get(host);
    return state ? this.#lane(state) : "probation";
  }

  #lane(state: HostState): Lane {
    const now = Date.now();
    if (state.failedAt !== null && now - state.failedAt < this.#slowForMs) return "slow";
    if (state.answeredAt !== null && now - state.answeredAt < this.#slowForMs) return "quick";
    return "probation";
  }

  /**
   * Waits, slot given back, until the host may take this delivery, and
   * counts it in flight (in the same turn as the check, so that two sent
   * at once cannot both pass it); throws when it is to be retried later instead.
   */
  async #turn(host: string, state: HostState): Promise<void> {
    for (;;) {
      const lane = this.#lane(state);
      if (state.inFlight < (lane === "quick" ? this.#quickPerHost : 1)) {
        state.inFlight++;
        return;
      }
      if (lane === "slow" || (lane === "probation" && state.waiting.length >= PROBATION_WAITING)) {
        this.deferred++;
        throw new DeliveryDeferredError(host);
      }
      await waitAside(new Promise<void>((resolve) => state.waiting.push(resolve)));
    }
  }

  /** Sends one delivery through its host's lane. */
  async send(inner: typeof fetch, request: Request, init: RequestInit | undefined): Promise<Response> {
    const host = new URL(request.url).host;
    const state = this.#state(host);
    await this.#turn(host, state);
    const head = new AbortController();
    const ms = this.#headTimeoutMs;
    const timer = setTimeout(() => head.abort(new ResponseHeadTimeoutError(request.url, ms)), ms);
    const signals = [head.signal, init?.signal, request.signal].filter((s): s is AbortSignal => !!s);
    try {
      const response = await inner(request, { ...init, signal: AbortSignal.any(signals) });
      state.failedAt = null;
      state.answeredAt = Date.now();
      return response.ok ? withoutBody(response) : response;
    } catch (error) {
      // No answer at all (timeout, refused, reset): the slow lane for a while.
      state.failedAt = Date.now();
      throw head.signal.aborted ? head.signal.reason : error;
    } finally {
      clearTimeout(timer);
      state.inFlight--;
      // Each looks again: after an answer several may go, after a failure they are deferred.
      for (const wake of state.waiting.splice(0)) wake();
    }
  }
}

/**
 * An accepted delivery's answer, its body let go: Fedify reads the body of a
 * refusal only, and a peer that drips its "202 Accepted" text a byte a second
 * would otherwise keep the connection (and the peer's socket) until the
 * outbound deadline. An empty body is already read, so a kept-alive
 * connection goes back to its pool as before.
 */
function withoutBody(response: Response): Response {
  if (response.body === null) return response;
  void response.body.cancel().catch(() => {});
  return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** A delivery: a signed POST of an ActivityPub document. */
function isDelivery(input: unknown): input is Request {
  if (!(input instanceof Request) || input.method !== "POST") return false;
  const type = input.headers.get("content-type") ?? "";
  return /application\/(activity\+json|ld\+json)/i.test(type) && (input.headers.has("signature") || input.headers.has("signature-input"));
}

/** `inner` with deliveries sent through lanes. */
export function laneFetch(inner: typeof fetch, lanes: DeliveryLanes): typeof fetch {
  return (input, init) => (isDelivery(input) ? lanes.send(inner, input, init) : inner(input, init));
}

/** Puts the lanes in front of the global fetch once per process (fetch-layer.ts); returns them. */
export function installDeliveryLanes(options: DeliveryLaneOptions): DeliveryLanes {
  return installFetchLayer(
    INSTALLED,
    () => new DeliveryLanes(options),
    laneFetch,
    (existing) => existing.tighten(options.headTimeoutMs),
  );
}
