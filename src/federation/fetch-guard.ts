// Every outbound request gets a deadline and a response-size cap.
//
// Fedify 2.3 sets neither (undici waits 300 s for headers by default) and its
// delivery code calls the global fetch without a signal, so the only place to
// put a deadline on deliveries is the global fetch itself. The guard keeps any
// signal the caller passed and adds a timeout; the body stream is cut off once
// it exceeds the cap, so a peer that drips or floods its answer cannot hold a
// worker or exhaust memory.
export interface FetchGuardOptions {
  timeoutMs: number;
  maxBytes: number;
}

const GUARD = Symbol.for("ecotone.fetchGuard");

type GuardedFetch = typeof fetch & { [GUARD]?: FetchGuardOptions };

export class ResponseTooLargeError extends Error {
  constructor(url: string, maxBytes: number) {
    super(`Response from ${url} exceeds ${maxBytes} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/** Installs the guard once per process; later calls only tighten the limits. */
export function installFetchGuard(options: FetchGuardOptions): void {
  const current = globalThis.fetch as GuardedFetch;
  const existing = current[GUARD];
  if (existing) {
    existing.timeoutMs = Math.min(existing.timeoutMs, options.timeoutMs);
    existing.maxBytes = Math.min(existing.maxBytes, options.maxBytes);
    return;
  }
  const limits: FetchGuardOptions = { ...options };
  const original = current;
  const guarded: GuardedFetch = async (input, init) => {
    const timeout = AbortSignal.timeout(limits.timeoutMs);
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const response = await original(input, { ...init, signal });
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return capResponse(response, url, limits.maxBytes);
  };
  guarded[GUARD] = limits;
  globalThis.fetch = guarded;
}

function capResponse(response: Response, url: string, maxBytes: number): Response {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    void response.body?.cancel();
    throw new ResponseTooLargeError(url, maxBytes);
  }
  // Null-body statuses cannot be re-wrapped, and have nothing to cap.
  if (!response.body || [101, 103, 204, 205, 304].includes(response.status)) return response;
  let received = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) {
          controller.error(new ResponseTooLargeError(url, maxBytes));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const capped = new Response(limited, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // Keep what callers read from the original (redirect handling uses url).
  Object.defineProperty(capped, "url", { value: response.url });
  Object.defineProperty(capped, "redirected", { value: response.redirected });
  return capped;
}
