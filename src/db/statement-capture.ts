// Records the statements a piece of work sends through a Kysely handle, for
// the benchmarks and the tests that hold a request to a number of statements
// or read their plans (EXPLAIN). Kysely hands sub-selects to transformQuery
// too; a result comes back once per statement sent, so a statement is
// recorded when its result does, unless the caller asks for every query Kysely
// builds (`everyQueryBuilt`), sub-selects included.
import { AsyncLocalStorage } from "node:async_hooks";
import { CompiledQuery, type Kysely, type KyselyPlugin } from "kysely";

export interface StatementCapture {
  plugin: KyselyPlugin;
  /** The statements sent, in order, compiled (SQL and parameters). */
  statements: CompiledQuery[];
  /**
   * Runs `work` so that, with `onlyWithin`, its statements are the ones
   * recorded: what it awaits, however deep, and nothing else.
   */
  within<T>(work: () => PromiseLike<T>): Promise<T>;
}

export interface CaptureOptions {
  /**
   * Record each query as Kysely builds it, sub-selects as entries of their
   * own, and failed statements too: stricter, for a test where a sub-select
   * must count against the budget like a statement of its own.
   */
  everyQueryBuilt?: boolean;
  /**
   * Record only the statements sent from inside `within(work)`, told apart
   * by their async context: a request measured on the instance's own handle,
   * while its queue workers and sweeps go on sending theirs beside it.
   */
  onlyWithin?: boolean;
}

export function captureStatements<DB>(db: Kysely<DB>, options: CaptureOptions = {}): StatementCapture {
  const built = new Map<unknown, CompiledQuery>();
  const statements: CompiledQuery[] = [];
  const scope = new AsyncLocalStorage<true>();
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (options.onlyWithin && !scope.getStore()) return args.node;
      const query = db.getExecutor().compileQuery(args.node, args.queryId);
      if (options.everyQueryBuilt) statements.push(query);
      else built.set(args.queryId, query);
      return args.node;
    },
    async transformResult(args) {
      const query = built.get(args.queryId);
      built.delete(args.queryId);
      if (query) statements.push(query);
      return args.result;
    },
  };
  return {
    plugin,
    statements,
    // Awaited inside the scope: a lazy thenable (fastify's inject) starts its work when awaited.
    within: (work) => scope.run(true, async () => await work()),
  };
}

/** A node of an `explain (analyze, format json)` plan, as far as rows read go. */
export interface PlanNode {
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
}

/** Rows each table's scans read (returned or filtered away) in one plan. */
export function rowsReadByTable(node: PlanNode, into = new Map<string, number>()): Map<string, number> {
  const table = node["Relation Name"];
  if (table) into.set(table, (into.get(table) ?? 0) + (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0)) * node["Actual Loops"]);
  for (const child of node.Plans ?? []) rowsReadByTable(child, into);
  return into;
}

/** EXPLAIN ANALYZEs one captured statement and returns its plan's root. */
export async function analyzedPlan<DB>(db: Kysely<DB>, query: CompiledQuery): Promise<PlanNode> {
  const result = await db.executeQuery<{ "QUERY PLAN": unknown }>(CompiledQuery.raw(`explain (analyze, format json) ${query.sql}`, [...query.parameters]));
  const raw = result.rows[0]!["QUERY PLAN"];
  return ((typeof raw === "string" ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>)[0]!.Plan;
}

/**
 * A statement that only reads, so EXPLAIN ANALYZE (which runs it) changes
 * nothing: a select, or a `with … select` whose CTEs do not write (the home
 * timeline's shared hidden-authors CTE is one).
 */
export function onlyReads(sql: string): boolean {
  if (/^\s*select\b/i.test(sql)) return true;
  return /^\s*with\b/i.test(sql) && !/\b(insert\s+into|delete\s+from|update\s+"?\w+"?\s+set)\b/i.test(sql);
}
