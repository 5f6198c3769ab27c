// The benchmark's side of the bare Fedify yardstick (fedify-yardstick.server.ts).
import { fork } from "node:child_process";

export interface Yardstick {
  origin: string;
  /** CPU time of the yardstick process so far (ms), and the activities its listener got. */
  usage(): Promise<{ cpuMs: number; received: number }>;
  close(): Promise<void>;
}

export async function startYardstick(): Promise<Yardstick> {
  const child = fork(new URL("./fedify-yardstick.server.ts", import.meta.url), [], {
    // BENCH_CPU_PROF=<dir>, as for the instance: a V8 CPU profile of the yardstick too, to compare.
    execArgv: ["--disable-warning=ExperimentalWarning", ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (value: any) => void>();
  let nextId = 1;
  const origin = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the Fedify yardstick exited (${code}) before it started`)));
    child.on("message", (raw) => {
      const m = raw as { started?: { origin: string }; id?: number; result?: unknown };
      if (m.started) resolve(m.started.origin);
      else pending.get(m.id!)?.(m.result);
    });
  });
  return {
    origin,
    usage: () =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ id, op: "usage" });
      }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ id: 0, op: "close" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
