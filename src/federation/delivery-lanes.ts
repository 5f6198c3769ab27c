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
// - two lanes: a host that timed out or refused the connection in the last
//   two minutes is in the slow lane, where it gets one delivery in flight; a
//   second is deferred at once (it fails, so Fedify retries it later with its
//   backoff, and its circuit breaker counts it) instead of waiting in a slot.
//   Every other host is in the quick lane, with up to 32 in flight each
//   (a slow but live peer still gets a steady stream); more wait their turn;
// - a host leaves the slow lane as soon as it answers;
// - an accepted delivery's body is let go (a dripping "202" held its
//   connection until the deadline).
// Nothing is lost: a deferred delivery is retried like any failed one.
// See ADR 0102.
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
  /** Quick-lane deliveries waiting for one of the host's slots. */
  waiting: Array<() => void>;
}

const INSTALLED = Symbol.for("ecotone.deliveryLanes");

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
      state = { inFlight: 0, failedAt: null, waiting: [] };
      this.#hosts.set(host, state);
    }
    return state;
  }

  #forgetIdle(): void {
    for (const [host, state] of this.#hosts) if (state.inFlight === 0 && state.waiting.length === 0) this.#hosts.delete(host);
  }

  isSlow(host: string): boolean {
    const failedAt = this.#hosts.get(host)?.failedAt ?? null;
    return failedAt !== null && Date.now() - failedAt < this.#slowForMs;
  }

  /** Sends one delivery through its host's lane. */
  async send(inner: typeof fetch, request: Request, init: RequestInit | undefined): Promise<Response> {
    const host = new URL(request.url).host;
    const state = this.#state(host);
    if (this.isSlow(host) && state.inFlight >= 1) {
      this.deferred++;
      throw new DeliveryDeferredError(host);
    }
    if (state.inFlight >= this.#quickPerHost) await new Promise<void>((resolve) => state.waiting.push(resolve));
    state.inFlight++;
    const head = new AbortController();
    const ms = this.#headTimeoutMs;
    const timer = setTimeout(() => head.abort(new ResponseHeadTimeoutError(request.url, ms)), ms);
    const signals = [head.signal, init?.signal, request.signal].filter((s): s is AbortSignal => !!s);
    try {
      const response = await inner(request, { ...init, signal: AbortSignal.any(signals) });
      state.failedAt = null;
      return response.ok ? withoutBody(response) : response;
    } catch (error) {
      // No answer at all (timeout, refused, reset): the slow lane for a while.
      state.failedAt = Date.now();
      throw head.signal.aborted ? head.signal.reason : error;
    } finally {
      clearTimeout(timer);
      state.inFlight--;
      state.waiting.shift()?.();
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
