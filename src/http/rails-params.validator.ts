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
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  /** A list that may come as one value (`?id=1`, `media_ids=1`): mastodon.schema.ts `OneOrMany`. */
  "x-one-or-many"?: boolean;
  /** Text where blank means absent (Rails' `.presence`): ids, optional words; not a bio one clears. */
  "x-blank-absent"?: boolean;
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

// Names that would reach an object's prototype (`__proto__[x]=1` would set
// `x` on every object in the process): such a key is dropped, never nested.
const PROTOTYPE_NAMES = new Set(["__proto__", "constructor", "prototype"]);

/** Rack's nesting of bracketed keys, for the properties the schema declares itself (not inherited names). */
function nest(source: Record<string, unknown>, declared: Record<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const path = bracketPath(key);
    if (path?.some((part) => PROTOTYPE_NAMES.has(part))) continue;
    if (!path || !Object.hasOwn(declared, path[0]!)) {
      out[key] = value;
      continue;
    }
    let target: Record<string, unknown> = out;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      if (last) {
        target[part] = value;
      } else if (path[i + 1] === "") {
        const list = Array.isArray(target[part]) ? (target[part] as unknown[]) : [];
        target[part] = list;
        if (i + 1 === path.length - 1) {
          // `name[]`: the form parsers already drop a trailing `[]`; a query keeps it.
          list.push(...[value].flat());
          break;
        }
        // `name[][field]`: a field of the last item, or of a new one when the last has it (Rack).
        const field = path[i + 2]!;
        const tail = list.at(-1);
        const item = isRecord(tail) && !Object.hasOwn(tail, field) ? tail : {};
        if (item !== tail) list.push(item);
        target = item;
        i++;
      } else {
        if (!isRecord(target[part])) target[part] = {};
        target = target[part] as Record<string, unknown>;
      }
    }
  }
  return out;
}

const allowsNull = (schema: JsonSchema) => schema.type === "null" || (schema.anyOf ?? []).some((branch) => branch.type === "null");

/** The value read as Rails reads it into `schema`; left as sent when it cannot be, so the check names it. */
export function readAsRails(schema: JsonSchema, value: unknown): unknown {
  if (value === undefined) return undefined;
  // null where the field may be null ("expires_in": null = never), a blank form value there too; absent elsewhere.
  if (value === null || (value === "" && allowsNull(schema))) return allowsNull(schema) ? null : undefined;
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
      // A map (`data[alerts][mention]=true`): each value read by the map's one value schema.
      const mapValue = Object.values(schema.patternProperties ?? {})[0];
      const keys = mapValue ? Object.keys(nested) : Object.keys(declared).filter((key) => Object.hasOwn(nested, key));
      for (const key of keys) {
        const sub = (Object.hasOwn(declared, key) ? declared[key] : undefined) ?? mapValue!;
        const read = readAsRails(sub, nested[key]);
        if (read === undefined) delete nested[key];
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
      if (value === "" && schema["x-blank-absent"]) return undefined;
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
