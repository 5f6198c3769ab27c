// Results as JSON under bench/results/, one file per scenario run.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import type { ScenarioResult } from "./stats.ts";

export function machine() {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    database: process.env.DATABASE_URL ? "postgresql" : "pglite",
    /** 1-minute load average when the figure was taken: other work on a shared machine. */
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function saveResult(scenario: string, options: Record<string, unknown>, result: ScenarioResult): string {
  const dir = resolve(import.meta.dirname, "../results");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${scenario}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { scenario, at: new Date().toISOString(), machine: machine(), options, figures: result.figures, rows: result.rows ?? [], ...result.extra },
      null,
      2,
    ),
  );
  return file;
}
