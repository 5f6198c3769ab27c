// The line an insight page shows where the fewer-than-5 rule left a figure
// out (docs/insights.md, "Fewer than 5"), so a small group's page never just
// goes quiet about a figure it has: "Answer rates … not shown: fewer than 5 members."
import type { WithheldFigure } from "../../domain/insight.rules.ts";
import { html, type Html } from "../html.ts";

/** The note for `what` when any of `figures` was withheld, else nothing. */
export function withheldNote(withheld: WithheldFigure[], figures: string[], what: string): Html | "" {
  const left = withheld.find((w) => figures.includes(w.figure));
  return left ? html`<p class="muted withheld">${what} not shown: ${left.reason}.</p>` : "";
}
