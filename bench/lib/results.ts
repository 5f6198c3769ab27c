// Results as JSON under bench/results/, one file per scenario run.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import type { Figures } from "./stats.ts";

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    database: process.env.DATABASE_URL ? "postgresql" : "pglite",
  };
}

export function saveResult(scenario: string, figures: Figures, extra: Record<string, unknown> = {}): string {
  const dir = resolve(import.meta.dirname, "../results");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${scenario}.json`);
  writeFileSync(file, JSON.stringify({ scenario, at: new Date().toISOString(), machine: machine(), figures, ...extra }, null, 2));
  return file;
}
