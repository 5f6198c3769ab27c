// Server-side SVG charts for the insight pages: stacked bars over time, a
// funnel, and the network of organizations. They scale to the page width
// (viewBox), take their colours from the theme's custom properties so they
// follow dark mode, and every one is drawn beside a table holding the same
// numbers (the page puts it there); the SVG itself has a <title> and <desc>.
// The page's Content-Security-Policy allows no inline style, so colours are
// classes (s0…s5) styled in assets/insights.css.
import { html, type Html } from "./html.ts";

const W = 480;
const COLOURS = 6;
export const colourOf = (i: number) => `s${i % COLOURS}`;
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A colour key for a chart's series, as text (never colour alone). */
export function legend(keys: string[]): Html {
  return html`<ul class="chart-legend">${keys.map(
    (k, i) => html`<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" class="${colourOf(i)}"></rect></svg> ${k}</li>`,
  )}</ul>`;
}

/** Bars per bucket, stacked by key. */
export function stackedBars(title: string, buckets: string[], keys: string[], value: (bucket: string, key: string) => number, labels: string[] = keys): Html {
  const H = 220;
  const top = 12;
  const bottom = 28;
  const left = 36;
  const totals = buckets.map((b) => keys.reduce((sum, k) => sum + value(b, k), 0));
  const max = Math.max(1, ...totals);
  const step = (W - left - 8) / Math.max(1, buckets.length);
  const bar = Math.max(2, step * 0.7);
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const every = Math.ceil(buckets.length / 8);
  const rects = buckets.flatMap((b, i) => {
    let base = 0;
    return keys.map((k, j) => {
      const v = value(b, k);
      const r = html`<rect x="${(left + i * step).toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" class="${colourOf(j)}"><title>${b} · ${labels[j]}: ${fmt(v)}</title></rect>`;
      base += v;
      return r;
    });
  });
  const ticks = buckets.map((b, i) =>
    i % every === 0 ? html`<text x="${(left + i * step + bar / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${b.slice(5)}</text>` : "",
  );
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${slug(title)}-t" preserveAspectRatio="xMidYMid meet">
    <title id="${slug(title)}-t">${title}</title><desc>${buckets.length} periods; highest ${fmt(max)}</desc>
    <line class="axis" x1="${left - 4}" x2="${W - 4}" y1="${H - bottom}" y2="${H - bottom}"></line>
    <text x="${left - 8}" y="${top + 4}" text-anchor="end">${fmt(max)}</text><text x="${left - 8}" y="${H - bottom}" text-anchor="end">0</text>
    ${rects}${ticks}</svg>${keys.length > 1 ? legend(labels) : ""}</figure>`;
}

/** Horizontal bars, one per stage, widest first stage. */
export function funnel(title: string, stages: Array<{ label: string; value: number }>): Html {
  const row = 30;
  const H = stages.length * row + 8;
  const labelWidth = 130;
  const max = Math.max(1, ...stages.map((s) => s.value));
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${slug(title)}-t">
    <title id="${slug(title)}-t">${title}</title>
    ${stages.map((s, i) => {
      const width = ((W - labelWidth - 50) * s.value) / max;
      return html`<text x="${labelWidth - 8}" y="${i * row + 20}" text-anchor="end">${s.label}</text>
        <rect x="${labelWidth}" y="${i * row + 6}" width="${Math.max(1, width).toFixed(1)}" height="${row - 10}" rx="3" class="${colourOf(i)}"></rect>
        <text x="${(labelWidth + width + 6).toFixed(1)}" y="${i * row + 20}">${fmt(s.value)}</text>`;
    })}</svg></figure>`;
}

/** Organizations on a circle; a line from asker to answerer, as thick as the threads answered. */
export function network(
  title: string,
  nodes: string[],
  edges: Array<{ from: string; to: string; weight: number }>,
  describe = (e: { from: string; to: string; weight: number }) => `${e.to} answered ${e.weight} threads of ${e.from}`,
): Html {
  const H = 360;
  const cx = W / 2;
  const cy = H / 2;
  const radius = Math.min(cx, cy) - 60;
  const at = new Map(
    nodes.map((n, i) => [
      n,
      { x: cx + radius * Math.cos((2 * Math.PI * i) / nodes.length - Math.PI / 2), y: cy + radius * Math.sin((2 * Math.PI * i) / nodes.length - Math.PI / 2) },
    ]),
  );
  const max = Math.max(1, ...edges.map((e) => e.weight));
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${slug(title)}-t">
    <title id="${slug(title)}-t">${title}</title><desc>${nodes.length} organizations, ${edges.length} links</desc>
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow"></path></marker></defs>
    ${edges.map((e) => {
      const a = at.get(e.from);
      const b = at.get(e.to);
      if (!a || !b || e.from === e.to) return "";
      // Stop short of the target node so the arrow shows.
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      return html`<line class="edge" x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${(b.x - (dx / len) * 22).toFixed(1)}" y2="${(b.y - (dy / len) * 22).toFixed(1)}" stroke-width="${(1 + (5 * e.weight) / max).toFixed(1)}" marker-end="url(#arrow)"><title>${describe(e)}</title></line>`;
    })}
    ${nodes.map((n) => {
      const p = at.get(n)!;
      return html`<circle class="node" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="18"></circle><text x="${p.x.toFixed(1)}" y="${(p.y + (p.y > cy ? 36 : -26)).toFixed(1)}" text-anchor="middle">${n}</text>`;
    })}</svg></figure>`;
}

function slug(text: string): string {
  return `chart-${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}`;
}
