// Small statistics and the table every scenario prints.

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

export type Figures = Record<string, number | string | boolean | null>;

export function printTable(title: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`\n  ${title}`);
  console.log(`  ${"-".repeat(width + 24)}`);
  for (const [key, value] of Object.entries(figures)) {
    console.log(`  ${key.padEnd(width)}  ${typeof value === "number" ? round(value, 2) : String(value)}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
