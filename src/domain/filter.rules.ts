// Filters as Mastodon defines them: where they apply, what they do, and
// whether a status's text matches a keyword.
import { validationFailed } from "./errors.ts";

export const FILTER_CONTEXTS = ["home", "notifications", "public", "thread", "account"] as const;
export type FilterContext = (typeof FILTER_CONTEXTS)[number];
export const FILTER_ACTIONS = ["warn", "hide", "blur"] as const;
export type FilterAction = (typeof FILTER_ACTIONS)[number];

export function parseContexts(values: string[]): FilterContext[] {
  const contexts = [...new Set(values)];
  if (contexts.length === 0) throw validationFailed("Validation failed: Context can't be blank (home, notifications, public, thread, account)");
  const bad = contexts.filter((c) => !(FILTER_CONTEXTS as readonly string[]).includes(c));
  if (bad.length > 0) throw validationFailed(`Unknown filter context ${bad.join(", ")}: use home, notifications, public, thread or account`);
  return contexts as FilterContext[];
}

export function parseAction(value: unknown): FilterAction {
  if (value === undefined || value === null || value === "") return "warn";
  if (typeof value !== "string" || !(FILTER_ACTIONS as readonly string[]).includes(value)) {
    throw validationFailed("filter_action must be warn, hide or blur");
  }
  return value as FilterAction;
}

export function parseKeyword(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw validationFailed("Validation failed: Keyword can't be blank");
  if (value.length > 200) throw validationFailed("A filter keyword is at most 200 characters");
  return value.trim();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Does plain text contain the keyword (case-insensitive; whole words only when asked)? */
export function keywordMatches(text: string, keyword: string, wholeWord: boolean): boolean {
  const pattern = escapeRegExp(keyword);
  const regex = wholeWord ? new RegExp(`(?<![\\p{L}\\p{N}_])${pattern}(?![\\p{L}\\p{N}_])`, "iu") : new RegExp(pattern, "iu");
  return regex.test(text);
}
