// Filter entities (docs.joinmastodon.org/entities/Filter, FilterKeyword,
// FilterStatus, FilterResult, and the v1 V1_Filter).
import type { FilterKeywordRow, FilterMatch, FilterStatusRow, FilterWithParts } from "../../services/accounts/filter.service.ts";

export const toMastodonFilterKeyword = (k: FilterKeywordRow) => ({ id: k.id, keyword: k.keyword, whole_word: k.whole_word });
export const toMastodonFilterStatus = (s: FilterStatusRow) => ({ id: s.id, status_id: s.post_id });

export function toMastodonFilter(f: FilterWithParts, options: { withParts?: boolean } = { withParts: true }) {
  return {
    id: f.filter.id,
    title: f.filter.title,
    context: f.filter.contexts,
    expires_at: f.filter.expires_at?.toISOString() ?? null,
    filter_action: f.filter.action,
    ...(options.withParts === false ? {} : { keywords: f.keywords.map(toMastodonFilterKeyword), statuses: f.statuses.map(toMastodonFilterStatus) }),
  };
}

/** In a Status's `filtered`: the filter without its parts, and what matched. */
export function toMastodonFilterResult(m: FilterMatch) {
  return { filter: toMastodonFilter(m.filter, { withParts: false }), keyword_matches: m.keywordMatches, status_matches: m.statusMatches };
}

/** The v1 API shows each keyword as a filter of its own. */
export function toMastodonV1Filters(f: FilterWithParts) {
  return f.keywords.map((k) => ({
    id: k.id,
    phrase: k.keyword,
    context: f.filter.contexts,
    whole_word: k.whole_word,
    expires_at: f.filter.expires_at?.toISOString() ?? null,
    irreversible: f.filter.action === "hide",
  }));
}
