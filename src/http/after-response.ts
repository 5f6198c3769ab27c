// Work a request asked for, started once its response is sent.
//
// A post to a group of 10,000 members commits its outbox event and wakes the
// outbox processor, which at once reads every member's inbox and writes the
// deliveries; the request still had the post to read back for its answer,
// and on PGlite (one connection) that read waited behind the relay's reads:
// the API answered in 0.5–1.5 s (docs/performance.md, "Session 7
// (delivery)"). So a wake asked for inside a request runs when its response
// has been sent (or the client went away); outside a request (a queue
// handler, the CLI) it runs at once. A wake that is lost anyway costs one
// poll interval: every worker also polls.
import { AsyncLocalStorage } from "node:async_hooks";
import type { FastifyInstance, FastifyRequest } from "fastify";

interface Pending {
  works: Set<() => void>;
  /** The response is out: later asks (work the request left running) run at once. */
  sent: boolean;
}

const pending = new AsyncLocalStorage<Pending>();
const ofRequest = new WeakMap<FastifyRequest, Pending>();

/** Runs `work` after the current response is sent, or now when there is no request; each function once per request. */
export function afterResponse(work: () => void): void {
  const store = pending.getStore();
  if (store && !store.sent) store.works.add(work);
  else work();
}

function runAll(request: FastifyRequest): void {
  const store = ofRequest.get(request);
  if (!store || store.sent) return;
  store.sent = true;
  for (const work of store.works) work();
  store.works.clear();
}

export function registerAfterResponse(fastify: FastifyInstance): void {
  fastify.addHook("onRequest", (request, _reply, done) => {
    const store: Pending = { works: new Set(), sent: false };
    ofRequest.set(request, store);
    pending.run(store, done);
  });
  fastify.addHook("onResponse", (request, _reply, done) => {
    runAll(request);
    done();
  });
  fastify.addHook("onRequestAbort", (request, done) => {
    runAll(request);
    done();
  });
}
