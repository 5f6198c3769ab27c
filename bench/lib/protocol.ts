// The messages between the benchmark (parent) and the Ecotone instance it
// runs in a child process (bench/lib/server.ts). The instance gets a process
// of its own so the load generator and the simulated peers never share its
// event loop, and so its memory and CPU time can be read on their own.

export interface PeerRef {
  origin: string;
  host: string;
}

export interface Usage {
  /** Resident set size of the instance process, MiB. */
  rssMiB: number;
  heapUsedMiB: number;
  /** The V8 heap as committed (used or not), MiB. */
  heapTotalMiB: number;
  /** Memory of C++ objects bound to JS (Buffers, ArrayBuffers…), MiB. */
  externalMiB: number;
  /** CPU time of the instance process since it started (user + system), ms. */
  cpuMs: number;
}

export interface RouteTiming {
  name: string;
  path: string;
  samples: number[];
  status: number;
  /** The instance's CPU time (user + system) per timed request, on average: on a busy machine it moves far less than the wall-clock samples. */
  cpuMsPerRequest: number;
}

export interface PlanReport {
  name: string;
  sql: string;
  plan: string;
  /** Sequential scans on tables of more than 10,000 rows. */
  seqScans: string[];
  /** Scans that read and threw away more than 10,000 rows ("posts: 60980 filtered"): a full scan in all but name. */
  filteredScans: string[];
  executionMs: number | null;
}

export type Command =
  | { op: "user"; username: string }
  | { op: "webSession"; username: string }
  | { op: "cloneUsers"; template: string; prefix: string; count: number }
  | { op: "addRemoteMembers"; groupSlug: string; peers: PeerRef[]; perPeer: number }
  | { op: "count"; table: "posts" | "likes" | "fedify_queue" | "inbox_activities" }
  | { op: "queueDepth" }
  | { op: "queueRows" }
  | { op: "seedTimelines"; posts: number; groups: number; people: number; viewer: string; newcomer: string }
  | { op: "timeRoutes"; token: string; routes: Array<{ name: string; path: string }>; samples: number }
  | { op: "explainRoutes"; token: string; routes: Array<{ name: string; path: string }> }
  | { op: "usage"; gc?: boolean }
  | { op: "queryStats" }
  | { op: "close" };

/** Database statements the instance ran since it started, by shape ("select actors", "raw: update fedify_queue…"). */
export interface QueryStats {
  total: number;
  notifies: number;
  byShape: Record<string, number>;
}

export interface Started {
  origin: string;
  host: string;
  database: "pglite" | "postgres";
  pid: number;
  /** The port this process listens on (the origin's, unless a proxy is in front). */
  port: number;
}
