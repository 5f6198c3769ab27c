// Small statistics, waiting helpers, and the tables every scenario prints.

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export type Value = number | string | boolean | null;
export type Figures = Record<string, Value>;

/** What a scenario hands back: its headline figures, an optional table of rows, and anything else for the JSON. */
export interface ScenarioResult {
  figures: Figures;
  rows?: Figures[];
  /** Printed after the tables (query plans…). */
  text?: string;
  extra?: Record<string, unknown>;
  /** The scenario's entry in bench/results/summary.json (see bench/lib/summary.ts). */
  summary: Summary;
}

/**
 * One scenario's line in bench/results/summary.json: a few headline figures
 * under stable keys (snake_case, unit in the name), the target in words, and
 * whether this run met it. Scripts compare runs by these keys, so rename none.
 */
export interface Summary {
  figures: Record<string, number | string | boolean | null>;
  target: string;
  met: boolean;
}

function show(value: Value): string {
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  if (Math.abs(value) >= 1) return String(round(value, 2));
  return String(Number(value.toPrecision(3)));
}

export function printFigures(title: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`\n  ${title}`);
  console.log(`  ${"-".repeat(width + 24)}`);
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(width)}  ${show(value)}`);
}

export function printRows(rows: Figures[]): void {
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => (r[c] === undefined ? "" : show(r[c]!))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => `  ${values.map((v, i) => v.padStart(widths[i]!)).join("  ")}`;
  console.log("");
  console.log(line(columns));
  console.log(`  ${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of cells) console.log(line(row));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` holds or the time is up; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(stepMs);
  }
  return check();
}
