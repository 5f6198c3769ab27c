// Paging for lists a service hands over whole (members, people, reports, my
// tasks, the idea board…): a page shows LIST_PAGE items and a "More" link that
// continues after the last one shown, by its key, not by a position, so an
// item added or removed meanwhile neither repeats nor skips one. Lists read
// page by page from the database (feeds, notifications, search) use
// `pager`/`beforeOf` in components.ts instead.
import { html, type Html } from "./html.ts";

export const LIST_PAGE = 50;

export interface ListPage<T> {
  items: T[];
  /** The key to continue after, when there is more. */
  next: string | null;
}

/** A cursor from the address: a key we could have handed out, or nothing. */
export function cursorOf(query: unknown, name = "after"): string | undefined {
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  return typeof raw === "string" && /^[\w.@:+-]{1,200}$/.test(raw) ? raw : undefined;
}

/**
 * The page of `all` that follows the item keyed `after` (the first page
 * without it). A key no longer in the list (that item is gone) starts over
 * rather than showing nothing.
 */
export function pageOf<T>(all: readonly T[], keyOf: (item: T) => string, after: string | undefined, size = LIST_PAGE): ListPage<T> {
  const at = after === undefined ? -1 : all.findIndex((item) => keyOf(item) === after);
  const items = all.slice(at + 1, at + 1 + size);
  const more = at + 1 + size < all.length;
  return { items, next: more && items.length > 0 ? keyOf(items[items.length - 1]!) : null };
}

/**
 * The "More" link of a list page: the same address with this list's cursor
 * (`name`) moved on and the rest kept, so two lists on one page page apart.
 * Past the first page (the address has this cursor), "Back to the start"
 * leads to the first page, filters and sort kept.
 */
export function morePager(path: string, query: Record<string, unknown>, next: string | null, what: string, name = "after"): Html {
  const onLaterPage = typeof query[name] === "string" && query[name] !== "";
  if (!next && !onLaterPage) return html``;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (typeof v === "string" && v && k !== name) params.set(k, v);
  const start = params.toString();
  const back = onLaterPage
    ? html`<a class="button secondary" href="${start ? `${path}?${start}` : path}" rel="first" aria-label="Back to the start: ${what}">Back to the start</a>`
    : "";
  if (!next) return html`<nav class="pager" aria-label="Start of the ${what}">${back}</nav>`;
  params.set(name, next);
  return html`<nav class="pager" aria-label="More ${what}">${back}<a class="button secondary" href="${path}?${params.toString()}" rel="next">More ${what}</a></nav>`;
}
