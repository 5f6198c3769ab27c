// Counts the rows each database query returns while one page is served, to
// prove a list reads a page from the database and not every row (ADR 0056).
// The instance's database handle is wrapped with a kysely plugin; only the
// queries made on behalf of the observed request are recorded (they run in
// its async context), so the outbox and other workers do not blur the count.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely, KyselyPlugin, QueryId, RootOperationNode } from "kysely";
import type { Database } from "../../src/db/schema.ts";
import type { TestInstance } from "./instances.ts";
import type { WebVisitor } from "./web-visitor.ts";

export interface ObservedQuery {
  sql: string;
  rows: number;
}

export interface ObservedPage {
  status: number;
  html: string;
  queries: ObservedQuery[];
}

/** Wraps the instance's database so `page()` can tell which rows each query of a page read. */
export function observeQueries(instance: TestInstance): {
  page(visitor: WebVisitor, path: string): Promise<ObservedPage>;
  /** Any GET, with these headers (an ActivityPub collection page, say). */
  get(path: string, headers: Record<string, string>): Promise<ObservedPage>;
} {
  const store = new AsyncLocalStorage<ObservedQuery[]>();
  const nodes = new WeakMap<QueryId, RootOperationNode>();
  const ctx = instance.app.ctx as { db: Kysely<Database> };
  const plain = ctx.db;
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      if (store.getStore()) nodes.set(queryId, node);
      return node;
    },
    async transformResult({ result, queryId }) {
      const node = nodes.get(queryId);
      if (node) store.getStore()?.push({ sql: plain.getExecutor().compileQuery(node, queryId).sql, rows: result.rows.length });
      return result;
    },
  };
  ctx.db = plain.withPlugin(plugin);
  const get = async (path: string, headers: Record<string, string>): Promise<ObservedPage> => {
    const queries: ObservedQuery[] = [];
    // inject() dispatches when awaited: await it inside the run, in the observed context.
    const res = await store.run(
      queries,
      async () => await instance.app.fastify.inject({ method: "GET", url: path, headers: { host: instance.host, ...headers } }),
    );
    return { status: res.statusCode, html: res.body, queries };
  };
  return {
    page: (visitor, path) => get(path, { cookie: visitor.cookie(), accept: "text/html" }),
    get,
  };
}

/** The query of a page that returned the most rows (of those whose SQL contains `part`, when given). */
export function largestRead(page: ObservedPage, part?: string): ObservedQuery {
  const reads = part ? page.queries.filter((q) => q.sql.includes(part)) : page.queries;
  return reads.reduce((a, b) => (b.rows > a.rows ? b : a), { sql: "(none)", rows: 0 });
}
