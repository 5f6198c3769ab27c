// bench/results/summary.json: one object per scenario with stable keys, so
// that runs can be compared by a script (`jq .scenarios.inbox.met`). A run of
// some scenarios replaces only their entries; each entry says when and on
// which database it was measured, so a mixed file is never ambiguous.
import { format, resolveConfig } from "prettier";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { machine } from "./results.ts";
import type { Summary } from "./stats.ts";

export interface SummaryEntry extends Summary {
  at: string;
  database: "pglite" | "postgresql";
  options: Record<string, unknown>;
  machine: ReturnType<typeof machine>;
}

export interface SummaryFile {
  /** Bumped only if a key changes meaning; scripts should check it. */
  version: 1;
  updatedAt: string;
  scenarios: Record<string, SummaryEntry>;
}

export const SUMMARY_FILE = resolve(import.meta.dirname, "../results/summary.json");

function read(file: string): SummaryFile {
  if (existsSync(file)) {
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as SummaryFile;
      if (parsed.version === 1 && parsed.scenarios) return parsed;
    } catch {
      // A damaged or older file is replaced, not merged.
    }
  }
  return { version: 1, updatedAt: "", scenarios: {} };
}

/** Records one scenario's summary, keeping the other scenarios' entries. */
export async function writeSummary(scenario: string, options: Record<string, unknown>, summary: Summary, file = SUMMARY_FILE): Promise<string> {
  mkdirSync(resolve(file, ".."), { recursive: true });
  const current = read(file);
  const m = machine();
  current.scenarios[scenario] = {
    ...summary,
    at: new Date().toISOString(),
    database: m.database === "postgresql" ? "postgresql" : "pglite",
    options,
    machine: m,
  };
  current.updatedAt = new Date().toISOString();
  // Formatted as `npm run lint` checks it (prettier --check), so a run can be committed as is.
  writeFileSync(file, await format(JSON.stringify(current, null, 2), { ...(await resolveConfig(file)), parser: "json" }));
  return file;
}
