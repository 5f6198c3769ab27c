// Statements on PGlite as named prepared statements, one protocol call each.
//
// PGlite's own query() sends a parameterised statement as six protocol calls
// (parse, describe, bind, describe, execute, sync), each entering the WASM
// backend and allocating its buffers, and parses and analyses the SQL text
// every time. Kysely sends the same few hundred statement texts over and
// over, so each text is parsed once as a named statement and later runs are
// one call: bind, describe, execute, sync (measured: 0.31 → 0.10 ms of CPU for
// a lookup by key; docs/performance.md, session 7). Parameters are serialized
// exactly as query() does — by the parameter types the server described for
// the statement, with PGlite's own serializers — and rows parsed by PGlite's
// own parser, so results are typed the same (ADR 0119).
//
// The connection runs with plan_cache_mode = force_custom_plan, so every run is
// planned for its own parameters as before: what is saved is the protocol
// round trips and the parse/analysis, never a plan chosen once for all values.
// A schema change (any statement that is not DML or transaction control)
// closes every prepared statement, so none outlives the tables it was parsed
// against.
import { parse as pgliteParse, protocol, type PGlite } from "@electric-sql/pglite";

const serialize = protocol.serialize;

/** Statements that may be prepared: plain DML. */
const PREPARABLE = new Set(["select", "insert", "update", "delete", "with", "values", "merge", "table"]);
/** Statements run as they are that cannot change what a prepared statement refers to. */
const HARMLESS = new Set([
  "begin",
  "start",
  "commit",
  "end",
  "rollback",
  "savepoint",
  "release",
  "set",
  "reset",
  "show",
  "notify",
  "listen",
  "unlisten",
  "lock",
  "analyze",
  "vacuum",
  "explain",
  "truncate",
  "checkpoint",
]);

/** How many statement texts stay prepared (each holds a parse tree in the backend). */
const MAX_PREPARED = 500;

export function firstKeyword(sqlText: string): string {
  const match = /^[\s(]*([A-Za-z]+)/.exec(sqlText);
  return match ? match[1]!.toLowerCase() : "";
}

interface Prepared {
  name: string;
  /** Parameter type oids as the server described them. */
  types: number[];
}

export interface StatementResult<R> {
  rows: R[];
  affectedRows: number;
}

export class PGliteStatements {
  readonly #pg: PGlite;
  readonly #prepared = new Map<string, Prepared>();
  /** Names to close with the next call (evicted, or dropped after a schema change). */
  #toClose: string[] = [];
  #next = 1;

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  /** Once, before the first statement: plans stay per run, as with unnamed statements. */
  async init(): Promise<void> {
    await this.#call([serialize.query("set plan_cache_mode = force_custom_plan")]);
  }

  async run<R>(sqlText: string, parameters: readonly unknown[]): Promise<StatementResult<R>> {
    const keyword = firstKeyword(sqlText);
    if (!PREPARABLE.has(keyword)) {
      if (!HARMLESS.has(keyword)) this.#forgetAll();
      return this.#unnamed<R>(sqlText, parameters);
    }
    const messages: Uint8Array[] = [];
    let prepared = this.#prepared.get(sqlText);
    let parsedNow = false;
    if (prepared) {
      // Most recently used last, so that eviction drops the coldest.
      this.#prepared.delete(sqlText);
      this.#prepared.set(sqlText, prepared);
    } else {
      const name = `ecotone_${this.#next++}`;
      const parseMessage = serialize.parse({ name, text: sqlText });
      if (parameters.length === 0) {
        prepared = { name, types: [] };
        messages.push(parseMessage);
        parsedNow = true;
      } else {
        // The parameter types decide how each value is serialized: asked once.
        let described;
        try {
          described = await this.#call([parseMessage, serialize.describe({ type: "S", name }), serialize.sync()]);
        } catch (error) {
          this.#toClose.push(name);
          throw withQuery(error, sqlText);
        }
        prepared = { name, types: pgliteParse.parseDescribeStatementResults(described) };
      }
      this.#remember(sqlText, prepared);
    }
    const types = prepared.types;
    const values = parameters.map((value, i) => this.#serialize(value, types[i]!));
    messages.push(serialize.bind({ statement: prepared.name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync());
    try {
      return this.#result<R>(await this.#call(messages, true));
    } catch (error) {
      // A statement that failed to parse, or that the backend no longer
      // knows or can no longer run as parsed, is parsed afresh next time.
      const code = (error as { code?: unknown }).code;
      if (parsedNow || code === "26000" || code === "0A000") {
        this.#prepared.delete(sqlText);
        this.#toClose.push(prepared.name);
      }
      throw withQuery(error, sqlText);
    }
  }

  /** DDL and transaction control, parsed every time as PGlite's own query() would. */
  async #unnamed<R>(sqlText: string, parameters: readonly unknown[]): Promise<StatementResult<R>> {
    try {
      if (parameters.length === 0) return this.#result<R>(await this.#call([serialize.query(sqlText)], true));
      const described = await this.#call([serialize.parse({ text: sqlText }), serialize.describe({ type: "S" }), serialize.sync()]);
      const types = pgliteParse.parseDescribeStatementResults(described);
      const values = parameters.map((value, i) => this.#serialize(value, types[i]!));
      const messages = [
        serialize.parse({ text: sqlText }),
        serialize.bind({ values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ];
      return this.#result<R>(await this.#call(messages, true));
    } catch (error) {
      throw withQuery(error, sqlText);
    }
  }

  /** As query() does: null stays null, a known type uses PGlite's serializer, anything else its string. */
  #serialize(value: unknown, oid: number): string | null {
    if (value === null || value === undefined) return null;
    const serializer = this.#pg.serializers[oid];
    return serializer ? (serializer(value) as string) : String(value);
  }

  #remember(sqlText: string, prepared: Prepared): void {
    this.#prepared.set(sqlText, prepared);
    if (this.#prepared.size > MAX_PREPARED) {
      const [oldestText, oldest] = this.#prepared.entries().next().value!;
      this.#prepared.delete(oldestText);
      this.#toClose.push(oldest.name);
    }
  }

  #forgetAll(): void {
    for (const prepared of this.#prepared.values()) this.#toClose.push(prepared.name);
    this.#prepared.clear();
  }

  #result<R>(messages: Parameters<typeof pgliteParse.parseResults>[0]): StatementResult<R> {
    const [first] = pgliteParse.parseResults(messages, this.#pg.parsers, { rowMode: "object" });
    return { rows: (first?.rows ?? []) as R[], affectedRows: first?.affectedRows ?? 0 };
  }

  async #call(messages: Uint8Array[], syncToFs = false) {
    if (this.#toClose.length > 0) {
      // Apart, and errors ignored: closing a name the backend does not know
      // is harmless, and must not fail the statement that follows.
      const closes = this.#toClose.map((name) => serialize.close({ type: "S", name }));
      this.#toClose = [];
      await this.#pg.execProtocol(concat([...closes, serialize.sync()]), { syncToFs: false, throwOnError: false });
    }
    const { messages: results } = await this.#pg.execProtocol(concat(messages), { syncToFs });
    return results;
  }
}

function concat(messages: Uint8Array[]): Uint8Array {
  const batch = new Uint8Array(messages.reduce((n, m) => n + m.length, 0));
  let offset = 0;
  for (const message of messages) {
    batch.set(message, offset);
    offset += message.length;
  }
  return batch;
}

/** As PGlite's query() does, the error names the statement that failed (not its parameters). */
function withQuery(error: unknown, sqlText: string): unknown {
  if (error !== null && typeof error === "object") (error as { query?: string }).query = sqlText;
  return error;
}
