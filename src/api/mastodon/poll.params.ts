// A poll as apps send it with a status: JSON (`poll: {options, expires_in,
// multiple, hide_totals}`) or a form (`poll[options][]=…&poll[expires_in]=…`).
import { validationFailed } from "../../domain/errors.ts";
import type { NewPoll } from "../../domain/poll.rules.ts";
import { listParam, railsBool } from "./params.ts";

function seconds(value: unknown): number {
  const text = Array.isArray(value) ? value.at(-1) : value;
  const n = typeof text === "number" ? text : Number(String(text ?? "").trim());
  if (text === undefined || text === "" || !Number.isFinite(n)) throw validationFailed("Validation failed: poll[expires_in] must be a number of seconds");
  return n;
}

/** The poll of a status body, or undefined when it has none. */
export function pollParam(body: Record<string, unknown>): NewPoll | undefined {
  const nested = body.poll && typeof body.poll === "object" ? (body.poll as Record<string, unknown>) : null;
  const formKeys = Object.keys(body).filter((k) => k.startsWith("poll["));
  if (!nested && formKeys.length === 0) return undefined;
  const source: Record<string, unknown> = nested ?? Object.fromEntries(formKeys.map((k) => [k.slice(5).replace("]", ""), body[k]]));
  return {
    options: listParam(source, "options"),
    expiresInSeconds: seconds(source.expires_in),
    multiple: railsBool(source.multiple) ?? false,
    hideTotals: railsBool(source.hide_totals) ?? false,
  };
}
