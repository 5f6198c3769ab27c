// Scenario: inbox throughput with one process and with two, on one
// PostgreSQL server behind one public origin (issue 18) — the layout of
// test/int/scale-out.pg.test.ts, where that test proves the correctness.
//
// A round-robin TCP proxy is the public origin (every signed request names
// it, as peers' requests name a load balancer); behind it first one Ecotone
// process, then two, each running the web server and the queue workers on
// the same schema. The same remote actors send the same kind of signed
// Create(Note) activities (bench/scenarios/inbox.ts) at the same offered
// rates to both layouts. Figures per layout: accepted/s, p99, and CPU per
// activity (both processes and the PostgreSQL server), hence capacity per
// CPU-second. On a 2-core machine shared with other work the second process
// adds little; the figure says what it adds here, not what it would add on
// a machine with spare cores.
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import pg from "pg";
import { freePort } from "../../test/helpers/instances.ts";
import { withSearchPath } from "../../test/helpers/test-database.ts";
import { startEcotone, type BenchInstance } from "../lib/ecotone.ts";
import { percentile, type Figures, type ScenarioResult } from "../lib/stats.ts";
import { closeInboxRig, idleCpu, runInboxStep, setUpInboxRig, type StepResult } from "./inbox.ts";

export interface ScaleOutOptions {
  rates: number[];
  seconds: number;
  actors: number;
  instances: number;
}

/** One public origin in front of the processes: each new connection goes to the next one. */
function roundRobinProxy(port: number): Promise<{ server: Server; backends: number[] }> {
  const backends: number[] = [];
  const sockets = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    const upstream = connect(backends[next++ % backends.length]!, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve({ server, backends })));
}

/** The processes seen as one instance: CPU and statements summed, the rest asked of the first. */
function together(processes: BenchInstance[]): BenchInstance {
  const first = processes[0]!;
  return {
    ...first,
    async usage(gc) {
      const all = await Promise.all(processes.map((p) => p.usage(gc)));
      return {
        ...all[0]!,
        cpuMs: all.reduce((n, u) => n + u.cpuMs, 0),
        rssMiB: all.reduce((n, u) => n + u.rssMiB, 0),
        // One PostgreSQL server: counted once.
        dbCpuMs: all[0]!.dbCpuMs,
      };
    },
    async queryStats() {
      const all = await Promise.all(processes.map((p) => p.queryStats()));
      const byShape: Record<string, number> = {};
      for (const s of all) for (const [k, v] of Object.entries(s.byShape)) byShape[k] = (byShape[k] ?? 0) + v;
      return { total: all.reduce((n, s) => n + s.total, 0), notifies: all.reduce((n, s) => n + s.notifies, 0), byShape };
    },
  };
}

async function freshSchema(url: string): Promise<string> {
  const schema = `bench_scale_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  return withSearchPath(url, schema);
}

function layoutRow(layout: string, steps: StepResult[]): Figures {
  const cpu = percentile(
    steps.map((s) => s.cpuMsPerActivity),
    50,
  );
  return {
    layout,
    "offered/s": steps.map((s) => s.figures["offered/s"]).join(", "),
    "accepted/s": steps.map((s) => s.acceptedPerSecond.toFixed(1)).join(", "),
    "p99 ms": steps.map((s) => s.p99.toFixed(0)).join(", "),
    "peak accepted/s": Math.max(...steps.map((s) => s.acceptedPerSecond)),
    "CPU ms/activity (processes + PostgreSQL)": cpu,
    "capacity per CPU-second": 1000 / cpu,
  };
}

export async function inboxScaleOutScenario(options: ScaleOutOptions): Promise<ScenarioResult> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    // PGlite admits one process: there is nothing to scale out.
    return {
      rows: [],
      figures: { database: "PGlite: one process only; run with --pg" },
      summary: {
        target: "inbox throughput with one and with two processes on one PostgreSQL server (measured, no threshold)",
        met: false,
        figures: { measured: false },
      },
    };
  }
  const schemaUrl = await freshSchema(url);
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const proxy = await roundRobinProxy(port);
  const processes: BenchInstance[] = [];
  let rig: Awaited<ReturnType<typeof setUpInboxRig>> | null = null;
  try {
    processes.push(await startEcotone({ databaseUrl: schemaUrl, origin }));
    proxy.backends.push(processes[0]!.port);
    rig = await setUpInboxRig(processes[0]!, options.actors, options.instances);
    const one: StepResult[] = [];
    rig.ecotone = together(processes);
    let idle = await idleCpu(rig.ecotone);
    for (const rate of options.rates) one.push(await runInboxStep(rig, rate, options.seconds, 2_000, idle));

    processes.push(await startEcotone({ databaseUrl: schemaUrl, origin }));
    proxy.backends.push(processes[1]!.port);
    rig.ecotone = together(processes);
    // The second process meets the actors (and reads their keys) before it is measured, as the first did.
    await runInboxStep(rig, 25, Math.max(2, Math.ceil((2 * options.actors) / 25)), 60_000);
    idle = await idleCpu(rig.ecotone);
    const two: StepResult[] = [];
    for (const rate of options.rates) two.push(await runInboxStep(rig, rate, options.seconds, 2_000, idle));

    const rows = [layoutRow("one process", one), layoutRow("two processes", two)];
    const peakOne = Number(rows[0]!["peak accepted/s"]);
    const peakTwo = Number(rows[1]!["peak accepted/s"]);
    return {
      rows,
      figures: {
        "remote actors / instances": `${options.actors} / ${options.instances}`,
        "peak accepted/s, one process": peakOne,
        "peak accepted/s, two processes": peakTwo,
        "ratio: two ÷ one (peak accepted/s)": peakTwo / peakOne,
        "capacity per CPU-second, one process": rows[0]!["capacity per CPU-second"]!,
        "capacity per CPU-second, two processes": rows[1]!["capacity per CPU-second"]!,
      },
      extra: { one: one.map((s) => s.figures), two: two.map((s) => s.figures) },
      summary: {
        target: "inbox throughput with one and with two processes on one PostgreSQL server (measured, no threshold)",
        met: true,
        figures: {
          measured: true,
          one_process_peak_accepted_per_s: peakOne,
          two_processes_peak_accepted_per_s: peakTwo,
          two_over_one_peak_ratio: peakTwo / peakOne,
          one_process_capacity_per_cpu_s: Number(rows[0]!["capacity per CPU-second"]),
          two_processes_capacity_per_cpu_s: Number(rows[1]!["capacity per CPU-second"]),
        },
      },
    };
  } finally {
    if (rig) await closeInboxRig(rig);
    for (const p of processes) await p.close();
    await new Promise((resolve) => proxy.server.close(resolve));
  }
}
