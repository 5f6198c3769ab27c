// One page of a list read from the database by a keyset cursor: the query
// asks for one row more than a page (LIMIT n+1); that extra row only says
// there is more, and the last row shown is where the next page starts. A row
// added or removed meanwhile neither repeats nor skips another (ADR 0056).

export interface KeysetPage<T> {
  items: T[];
  /** The key of the last item shown, when there is more after it. */
  next: string | null;
}

/** The page from `rows` (read with LIMIT size+1). */
export function keysetPage<T>(rows: readonly T[], size: number, keyOf: (item: T) => string): KeysetPage<T> {
  const items = rows.slice(0, size);
  return { items, next: rows.length > size && items.length > 0 ? keyOf(items[items.length - 1]!) : null };
}
