// The numbers of an insight page's activity chart as CSV (one row per period
// and split key), for the table-or-CSV beside every chart.
import { INSIGHT_METRICS } from "../../domain/insight.rules.ts";
import { csvField } from "../../domain/segment.rules.ts";
import type { InsightsView } from "../../services/insights/insight.service.ts";

export function insightsCsv(view: InsightsView): string {
  const header = ["period", "key", ...INSIGHT_METRICS].join(",");
  const rows = view.series.map((s) => [csvField(s.bucket), csvField(s.key), ...INSIGHT_METRICS.map((m) => String(s[m]))].join(","));
  return `${[header, ...rows].join("\r\n")}\r\n`;
}
