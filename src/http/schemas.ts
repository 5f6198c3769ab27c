// Request validation by JSON schema (TypeBox, through fastify's type
// provider): a route declares `schema: { body, params, querystring }` and
// gets typed, checked input. Bodies are checked as sent, never coerced (a
// number is not a string); path and query values, always text on the wire,
// are converted to the declared type. A failed check is a 422 whose message
// names the field, mapped by errors.ts like every other validation error.
// The Mastodon API (/api/v1, /api/v2) reads body and query as Rails does
// first (rails-params.validator.ts): its apps send forms and string booleans.
import { TypeBoxValidatorCompiler } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifySchemaValidationError } from "fastify";
import { MASTODON_API_PATH } from "../domain/api-paths.ts";
import { railsValidatorCompiler } from "./rails-params.validator.ts";

/** `"tags[0]"` from `/tags/0`: the field as a client wrote it. */
function fieldOf(error: FastifySchemaValidationError): string {
  const params = error.params as { requiredProperties?: string[]; missingProperty?: string };
  const missing = params.requiredProperties?.[0] ?? params.missingProperty;
  const path = error.instancePath
    .split("/")
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
  return missing ? (path ? `${path}.${missing}` : missing) : path;
}

function describe(error: FastifySchemaValidationError, part: string): { message: string; field: string } {
  const field = fieldOf(error);
  const where = part === "body" ? "" : ` (${part === "params" ? "in the path" : `in the ${part}`})`;
  if (error.keyword === "required") return { field, message: `"${field}" is required${where}` };
  return field ? { field, message: `"${field}" ${error.message}${where}` } : { field, message: `The ${part} ${error.message}` };
}

export function registerSchemas(fastify: FastifyInstance): void {
  fastify.setValidatorCompiler((route) => (MASTODON_API_PATH.test(route.url) ? railsValidatorCompiler(route) : TypeBoxValidatorCompiler(route)));
  fastify.setSchemaErrorFormatter((errors, part) => {
    const first = describe(errors[0]!, part);
    return Object.assign(new Error(first.message), { details: { field: first.field } });
  });
}
