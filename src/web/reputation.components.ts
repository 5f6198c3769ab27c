// The reputation level shown next to a name. Pages get the levels in one batch
// (reputationLevels in src/services/insights/reputation.service.ts) and call
// levelBadge(levels.get(actorId)); newcomers get no badge, so the badge means
// something when it is there.
import type { ReputationLevel } from "../domain/reputation.rules.ts";
import { html, type Html } from "./html.ts";

const LABEL: Record<ReputationLevel, string> = { trusted: "Trusted", established: "Established", contributor: "Contributor", newcomer: "Newcomer" };

export function levelBadge(level: ReputationLevel | undefined): Html {
  if (!level || level === "newcomer") return html``;
  return html`<span class="badge level-badge" title="Reputation in this group: ${LABEL[level]}">${LABEL[level]}</span>`;
}
