// Layers around the global fetch: fetch-guard.ts (limits, private
// addresses), delivery-lanes.ts (per-host slots) and signed-fetch.cache.ts.
// Fedify's delivery code and document loaders all call the global fetch, so
// that is where each layer must sit. Each marks itself with a symbol so a
// second app in the same process (tests, the CLI) finds the installed one
// instead of wrapping again; an outer layer carries the inner layers' marks,
// so every layer can be found from the outermost fetch.
type Marked = typeof fetch & Record<symbol, unknown>;

/** The layer installed under `mark`, if any. */
export function findFetchLayer<T>(mark: symbol): T | undefined {
  return (globalThis.fetch as Marked)[mark] as T | undefined;
}

/**
 * Installs a layer once per process: `create` builds it, `wrap` puts it in
 * front of the current fetch. When one is installed already, `reuse` is
 * given it instead (to tighten its settings) and it is returned.
 */
export function installFetchLayer<T>(mark: symbol, create: () => T, wrap: (inner: typeof fetch, layer: T) => typeof fetch, reuse: (existing: T) => void): T {
  const existing = findFetchLayer<T>(mark);
  if (existing !== undefined) {
    reuse(existing);
    return existing;
  }
  const current = globalThis.fetch as Marked;
  const layer = create();
  const wrapped = wrap(current, layer) as Marked;
  for (const inner of Object.getOwnPropertySymbols(current)) wrapped[inner] = current[inner];
  wrapped[mark] = layer;
  globalThis.fetch = wrapped;
  return layer;
}
