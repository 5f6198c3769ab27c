// Reading Mastodon API parameters the way Mastodon (Rails) reads them, in one
// place: apps send booleans as `true`, `True`, `1`, `on`…, ids as JSON
// numbers or strings, and lists as `name[]=` or `name=`.
import type { FastifyRequest } from "fastify";
import { validationFailed } from "../../domain/errors.ts";

// ActiveModel::Type::Boolean: these are false, any other non-blank value is true.
const FALSE_VALUES = new Set(["0", "f", "false", "off", "n", "no"]);

/** A Rails boolean: undefined when absent or blank, so callers keep their default. */
export function railsBool(value: unknown): boolean | undefined {
  if (Array.isArray(value)) value = value.at(-1);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  const text = String(value).trim().toLowerCase();
  if (text === "") return undefined;
  return !FALSE_VALUES.has(text);
}

/** A Rails boolean with a default. */
export function flag(value: unknown, fallback = false): boolean {
  return railsBool(value) ?? fallback;
}

/** An id sent as a string or a JSON number; undefined when absent or blank. */
export function idValue(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "bigint" && value >= 0n) return value.toString();
  if (typeof value === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(value)) return value;
  throw validationFailed(`${field} must be an id (a string or a number)`);
}

/** A list of ids (`media_ids[]`, `account_ids`), each a string or a number. */
export function idList(value: unknown, field: string): string[] {
  const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return items.map((v) => idValue(v, field)).filter((v): v is string => v !== undefined);
}

/** The body as an object (apps send nothing, JSON or a form). */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  return request.body && typeof request.body === "object" ? (request.body as Record<string, unknown>) : {};
}

/** The query as an object. */
export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query && typeof request.query === "object" ? (request.query as Record<string, unknown>) : {};
}

/** A list parameter sent as `name[]=a&name[]=b`, `name=a` or a JSON array. */
export function listParam(source: Record<string, unknown>, name: string): string[] {
  return [source[`${name}[]`], source[name]]
    .flat()
    .filter((v): v is string | number => typeof v === "string" || typeof v === "number")
    .map(String);
}

/** Optional text; a clear 422 for anything else. */
export function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw validationFailed(`${field} must be text`);
  return value;
}
