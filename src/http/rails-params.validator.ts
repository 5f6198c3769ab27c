// Mastodon apps send parameters the way Mastodon (Rails) reads them: JSON,
// HTML forms or multipart, in the query or the body; booleans as `true`,
// `True`, `1`, `on`…; ids as JSON numbers or text; lists as `name[]=` or
// `name=`; nested values as `poll[options][]=` or `home[last_read_id]=`.
// Each Mastodon route declares plain TypeBox schemas (booleans, strings,
// arrays, objects: what the OpenAPI document shows) and this validator first
// reads the request as Rails would into that shape, then checks it. So a
// handler gets typed values and the reading rules live here once (ADR 0008).
import type { TSchema } from "@fastify/type-provider-typebox";
import type { FastifySchemaCompiler } from "fastify";
import { Compile } from "typebox/compile";
import { Value } from "typebox/value";

// ActiveModel::Type::Boolean: these are false, any other non-blank value is true.
const FALSE_VALUES = new Set(["0", "f", "false", "off", "n", "no"]);

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  /** A list that may come as one value (`?id=1`, `media_ids=1`): mastodon.schema.ts `OneOrMany`. */
  "x-one-or-many"?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** A Rails boolean: undefined when blank, so the route keeps its default. */
function railsBool(value: unknown): unknown {
  if (Array.isArray(value)) value = value.at(-1);
  if (typeof value === "number") return value !== 0;
  if (typeof value !== "string") return value;
  const text = value.trim().toLowerCase();
  if (text === "") return undefined;
  return !FALSE_VALUES.has(text);
}

/** `poll[options]` → ["poll", "options"], `types[]` → ["types", ""]; null for a plain key. */
function bracketPath(key: string): string[] | null {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!m) return null;
  return [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1]!)];
}

/** Rack's nesting of bracketed keys, for the properties the schema declares. */
function nest(source: Record<string, unknown>, declared: Record<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const path = bracketPath(key);
    if (!path || !(path[0]! in declared)) {
      out[key] = value;
      continue;
    }
    let target: Record<string, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i]!;
      if (path[i + 1] === "") {
        // `name[]` (the form parsers already drop a trailing `[]`; a query keeps it).
        const existing = target[part];
        target[part] = [existing ?? [], value].flat();
        target = {};
        break;
      }
      if (!isRecord(target[part])) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    if (path.at(-1) !== "") target[path.at(-1)!] = value;
  }
  return out;
}

/** The value read as Rails reads it into `schema`; left as sent when it cannot be, so the check names it. */
export function readAsRails(schema: JsonSchema, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.anyOf) {
    for (const branch of schema.anyOf) {
      const read = readAsRails(branch, value);
      if (Value.Check(branch as TSchema, read)) return read;
    }
    return value;
  }
  switch (schema.type) {
    case "object": {
      if (!isRecord(value)) return value;
      const declared = schema.properties ?? {};
      const nested = nest(value, declared);
      for (const [key, sub] of Object.entries(declared)) {
        if (!(key in nested)) continue;
        const read = readAsRails(sub, nested[key]);
        // A blank field is an absent one (Rails' `.presence`); a blank item of a list stays, for the rules to name.
        if (read === undefined || read === "") delete nested[key];
        else nested[key] = read;
      }
      return nested;
    }
    case "array": {
      // A list sent as a Rails hash keyed by index (`keywords_attributes[0][keyword]`), or as one value where the route allows it.
      const items = Array.isArray(value)
        ? value
        : isRecord(value) && Object.keys(value).every((k) => /^\d+$/.test(k))
          ? Object.entries(value)
              .sort(([a], [b]) => Number(a) - Number(b))
              .map(([, v]) => v)
          : schema["x-one-or-many"]
            ? [value]
            : value;
      if (!Array.isArray(items)) return value;
      return schema.items ? items.map((item) => readAsRails(schema.items!, item)) : items;
    }
    case "boolean":
      return railsBool(value);
    case "integer":
    case "number": {
      if (typeof value !== "string") return value;
      const text = value.trim();
      if (text === "") return undefined;
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
    }
    case "string":
      return typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
    default:
      return value;
  }
}

/** The validator of every Mastodon route's body and query; path parameters as TypeBox converts them. */
export const railsValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const read = httpPart === "body" || httpPart === "querystring" ? readAsRails(schema as JsonSchema, value ?? {}) : Value.Convert(schema, value);
    if (check.Check(read)) return { value: read };
    return { error: check.Errors(read) as never };
  };
};
