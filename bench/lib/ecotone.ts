// The Ecotone instance under benchmark, seen from the benchmark process: it
// runs in a child process (bench/lib/server.ts) so that the load generator and
// the simulated peers do not share its event loop, and its memory and CPU
// time are its own. On PostgreSQL, the server's CPU time is read from /proc.
import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, fetch as clientFetch } from "undici";
import type { Command, PeerRef, PlanReport, QueryStats, RouteTiming, Started, Usage } from "./protocol.ts";

// The benchmark's own API calls wait as long as a saturated instance needs:
// with the default 10 s connect timeout, 50 calls a second to an instance at
// load 12 failed connecting and stopped the slow-peer run (Session 6).
const apiClient = new Agent({ connectTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000 });

export interface BenchUser {
  username: string;
  token: string;
  uri: string;
  handle: string;
}

export interface BenchInstance extends Started {
  user(username: string): Promise<BenchUser>;
  /** A signed-in web session of that user, as a "token" timeRoutes accepts ("cookie:…"). */
  webSession(username: string): Promise<string>;
  /**
   * `count` more local users (`prefix`1, `prefix`2…) in bulk, copying the
   * template user's key pairs (generating 1,000 RSA keys would take minutes);
   * returns their API tokens.
   */
  cloneUsers(template: string, prefix: string, count: number): Promise<string[]>;
  /** Calls the instance's HTTP API over loopback, as a client would. */
  api(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  addRemoteMembers(groupSlug: string, peers: PeerRef[], perPeer: number): Promise<number>;
  count(table: "posts" | "likes" | "fedify_queue" | "inbox_activities"): Promise<number>;
  queueDepth(): Promise<Record<string, number>>;
  /** The first 50 queued rows (ids, keys, leases; no bodies): what a stalled queue holds. */
  queueRows(): Promise<unknown[]>;
  seedTimelines(options: { posts: number; groups: number; people: number; viewer: string; newcomer: string }): Promise<void>;
  timeRoutes(token: string, routes: Array<{ name: string; path: string }>, samples: number): Promise<RouteTiming[]>;
  explainRoutes(token: string, routes: Array<{ name: string; path: string }>): Promise<PlanReport[]>;
  /** The instance process's memory and CPU time (gc first when asked), plus the database server's CPU time on PostgreSQL. */
  usage(gc?: boolean): Promise<Usage & { dbCpuMs: number | null }>;
  /** Statements run so far, by shape (take two and subtract: see queryDelta). */
  queryStats(): Promise<QueryStats>;
  close(): Promise<void>;
}

/** Statements run between two snapshots, per unit of work, the most frequent first. */
export function queryDelta(before: QueryStats, after: QueryStats, per: number) {
  const shapes = Object.entries(after.byShape)
    .map(([shape, n]) => [shape, (n - (before.byShape[shape] ?? 0)) / per] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return { perUnit: (after.total - before.total) / per, notifiesPerUnit: (after.notifies - before.notifies) / per, shapes };
}

export interface EcotoneOptions {
  fetchTimeoutMs?: number;
  retryInitialDelayMs?: number;
  /** Scale-out: an existing schema's URL, and the public origin shared by several processes. */
  databaseUrl?: string;
  origin?: string;
}

export async function startEcotone(options: EcotoneOptions = {}): Promise<BenchInstance> {
  const child: ChildProcess = fork(new URL("./server.ts", import.meta.url), [JSON.stringify(options)], {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the instance there on exit.
    execArgv: [
      "--expose-gc",
      "--disable-warning=ExperimentalWarning",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const started = await new Promise<Started>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the Ecotone process exited (${code}) before it started`));
    child.once("exit", onExit);
    child.on("message", (raw) => {
      const message = raw as { started?: Started; id?: number; result?: unknown; error?: string };
      if (message.started) {
        child.off("exit", onExit);
        resolve(message.started);
        return;
      }
      const waiter = pending.get(message.id!);
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(`in the Ecotone process: ${message.error}`));
      else waiter.resolve(message.result);
    });
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the Ecotone process exited (${code})`));
    pending.clear();
  });
  const call = <T>(command: Command): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command });
    });

  return {
    ...started,
    user: (username) => call({ op: "user", username }),
    cloneUsers: (template, prefix, count) => call({ op: "cloneUsers", template, prefix, count }),
    async api(token, method, path, body) {
      const response = await clientFetch(new URL(path, started.origin), {
        dispatcher: apiClient,
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed };
    },
    addRemoteMembers: (groupSlug, peers, perPeer) =>
      call({ op: "addRemoteMembers", groupSlug, peers: peers.map((p) => ({ origin: p.origin, host: p.host })), perPeer }),
    count: (table) => call({ op: "count", table }),
    queueDepth: () => call({ op: "queueDepth" }),
    queueRows: () => call({ op: "queueRows" }),
    seedTimelines: (seed) => call({ op: "seedTimelines", ...seed }),
    timeRoutes: (token, routes, samples) => call({ op: "timeRoutes", token, routes, samples }),
    webSession: (username) => call({ op: "webSession", username }),
    explainRoutes: (token, routes) => call({ op: "explainRoutes", token, routes }),
    async usage(gc = false) {
      const own = await call<Usage>({ op: "usage", gc });
      return { ...own, dbCpuMs: started.database === "postgres" ? postgresCpuMs() : null };
    },
    queryStats: () => call({ op: "queryStats" }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await call({ op: "close" }).catch(() => {});
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * CPU time (ms) of the PostgreSQL server DATABASE_URL names, from /proc
 * (Linux): its postmaster (started with `-p <port>`, as .ci/postgres.sh does)
 * and that process's children. Other servers on a shared machine (other
 * people's test runs) are not counted; when no postmaster names the port,
 * every `postgres` process is.
 */
export function postgresCpuMs(): number | null {
  try {
    const ticksPerSecond = 100; // USER_HZ on Linux
    const port = process.env.DATABASE_URL ? new URL(process.env.DATABASE_URL).port || "5432" : null;
    const servers: Array<{ pid: string; ppid: string; ticks: number; cmdline: string }> = [];
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      let cmdline: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      } catch {
        continue;
      }
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (comm !== "postgres") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      servers.push({ pid, ppid: fields[1]!, ticks: Number(fields[11]) + Number(fields[12]), cmdline }); // ppid; utime + stime
    }
    const postmaster = port ? servers.find((s) => new RegExp(`(^|\\s)-p\\s*${port}(\\s|$)`).test(s.cmdline)) : undefined;
    const ours = postmaster ? servers.filter((s) => s.pid === postmaster.pid || s.ppid === postmaster.pid) : servers;
    return (ours.reduce((n, s) => n + s.ticks, 0) / ticksPerSecond) * 1000;
  } catch {
    return null;
  }
}
