// HTML built from template literals: every interpolated value is escaped
// unless it is already Html (our own markup, or content sanitised on the way
// in). Pages cannot forget to escape because there is nothing to remember.

export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeText(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is already safe: stored post HTML passed through the sanitiser, or our own. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A short, human date ("2026-11-23 14:05") in UTC, inside a <time> element. */
export function when(date: string | Date | null): Html {
  if (!date) return html``;
  const iso = typeof date === "string" ? date : date.toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace("T", " ")}</time>`;
}
