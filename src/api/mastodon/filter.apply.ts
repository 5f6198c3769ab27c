// Applying the viewer's filters to statuses about to be sent: `filtered`
// names the matching filters (apps warn or blur), and `hide` filters remove
// the status. A boost is judged by the status it boosts.
import type { ServiceContext } from "../../services/context.ts";
import { matchFilters, type FilterContext } from "../../services/accounts/filter.service.ts";
import { stripHtml } from "../../services/html.ts";
import { toMastodonFilterResult } from "./filter.serializer.ts";
import type { MastodonStatus } from "./status.serializer.ts";

export async function applyFilters(
  ctx: ServiceContext,
  viewerId: string | null,
  context: FilterContext,
  statuses: MastodonStatus[],
): Promise<MastodonStatus[]> {
  if (!viewerId || statuses.length === 0) return statuses;
  const target = (s: MastodonStatus) => s.reblog ?? s;
  const matches = await matchFilters(
    ctx,
    viewerId,
    context,
    statuses.map((s) => ({ id: s.id, postId: target(s).id, text: () => `${target(s).spoiler_text}\n${stripHtml(target(s).content)}` })),
  );
  if (matches.size === 0) return statuses;
  return statuses.flatMap((s) => {
    const found = matches.get(s.id);
    if (!found) return [s];
    if (found.some((m) => m.filter.filter.action === "hide")) return [];
    const filtered = found.map(toMastodonFilterResult);
    return [s.reblog ? { ...s, filtered, reblog: { ...s.reblog, filtered } } : { ...s, filtered }];
  });
}
