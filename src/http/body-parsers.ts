// Request bodies as Mastodon clients send them: JSON (an empty body with a
// JSON content type is `{}`), and HTML-form encoding with `key[]` arrays
// (`media_ids[]=1&media_ids[]=2` becomes `{media_ids: ["1", "2"]}`).
//
// Multipart bodies are read only after the bearer token was checked (auth
// runs at onRequest), with limits chosen by who is asking: a signed-in client
// may send one file and a few small fields; an anonymous request (an app
// registering, a token exchange) no file and a handful of short fields. So an
// anonymous request makes the server hold at most 64 KiB, where 200 fields of
// 1 MB each were read before the token was even looked at.
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { unauthorized } from "../domain/errors.ts";
import { MAX_ATTACHMENTS } from "../domain/media.rules.ts";
import { describeJsonProblem, parseJsonBody } from "./json-limits.ts";
import { readSession } from "../services/accounts/browser-session.service.ts";
import type { ServiceContext } from "../services/context.ts";
import { SESSION_COOKIE } from "../services/accounts/session-cookie.ts";

/** Largest uploaded file (media); other multipart fields are small. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

interface MultipartLimits {
  fileSize: number;
  files: number;
  fields: number;
  parts: number;
  fieldSize: number;
}

/** Multipart limits for a request with a valid token. */
export const AUTHENTICATED_MULTIPART_LIMITS: MultipartLimits = { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 50, parts: 51, fieldSize: 64 * 1024 };

/** Forms that take two images at once (avatar and header): one more file. */
const TWO_FILE_PATHS = ["/api/v1/accounts/update_credentials", "/settings/profile-extras"];
/** Multipart limits for an anonymous request: no file, a few short fields. */
export const ANONYMOUS_MULTIPART_LIMITS: MultipartLimits = { fileSize: 0, files: 0, fields: 16, parts: 16, fieldSize: 4 * 1024 };

function clientError(message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { statusCode });
}

export function formToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [rawKey, value] of params) {
    if (rawKey.endsWith("[]")) {
      const key = rawKey.slice(0, -2);
      const existing = result[key];
      result[key] = Array.isArray(existing) ? [...existing, value] : existing !== undefined ? [existing, value] : [value];
    } else {
      result[rawKey] = value;
    }
  }
  return result;
}

/**
 * Apps (Mastodon.py, Ruby and Go clients) send 19-digit ids as JSON numbers,
 * which a double would round: integers beyond 2^53 keep their digits, as text.
 */
function keepLargeIntegers(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) return context.source;
  return value;
}

export function registerBodyParsers(fastify: FastifyInstance, ctx?: ServiceContext): void {
  fastify.removeContentTypeParser("application/json");
  fastify.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, {});
    // Parsed once: checked and read with large integers kept.
    const parsed = parseJsonBody(text, keepLargeIntegers);
    if ("problem" in parsed) return done(clientError(describeJsonProblem(parsed.problem), 400), undefined);
    done(null, parsed.value);
  });
  fastify.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, formToObject(new URLSearchParams(String(body))));
  });
  // multipart/form-data: fields become strings, a file becomes a Buffer.
  void fastify.register(multipart, { limits: ANONYMOUS_MULTIPART_LIMITS });
  fastify.addHook("preValidation", async (request) => {
    if (!request.isMultipart?.()) return;
    request.body = await readMultipart(request, ctx);
  });
}

/** The multipart body as key/values, within the limits for this caller. */
async function readMultipart(request: FastifyRequest, ctx: ServiceContext | undefined): Promise<Record<string, unknown>> {
  // Signed in with a token, or in the web interface (its settings form uploads images).
  const signedIn = request.auth !== null || (ctx !== undefined && (await readSession(ctx, request.cookies?.[SESSION_COOKIE]).catch(() => null)) !== null);
  const base = signedIn ? AUTHENTICATED_MULTIPART_LIMITS : ANONYMOUS_MULTIPART_LIMITS;
  const twoFiles = signedIn && TWO_FILE_PATHS.includes(request.url.split("?")[0]!);
  // The web composer sends a post's images (up to MAX_ATTACHMENTS) in one form; apps upload one at a time.
  const webForm = signedIn && request.auth === null && !twoFiles;
  const files = twoFiles ? 2 : webForm ? MAX_ATTACHMENTS : base.files;
  const limits = files === base.files ? base : { ...base, files, parts: base.parts + files - base.files };
  const result: Record<string, unknown> = {};
  const add = (rawKey: string, value: unknown) => {
    const isList = rawKey.endsWith("[]");
    const key = isList ? rawKey.slice(0, -2) : rawKey;
    const existing = result[key];
    result[key] = existing === undefined ? (isList ? [value] : value) : [existing, value].flat();
  };
  try {
    for await (const part of request.parts({ limits })) {
      if (part.type === "file") {
        // The name the person gave the file travels with its bytes (a post's attached PDF keeps it).
        add(part.fieldname, Object.assign(await part.toBuffer(), { fileName: part.filename }));
      } else {
        if (part.valueTruncated) throw clientError(`The field ${part.fieldname} exceeds ${limits.fieldSize} bytes`, 413);
        add(part.fieldname, part.value);
      }
    }
  } catch (error) {
    throw explainMultipartError(error, signedIn, limits);
  }
  return result;
}

function explainMultipartError(error: unknown, signedIn: boolean, limits: MultipartLimits): unknown {
  switch ((error as { code?: string }).code) {
    case "FST_FILES_LIMIT":
      return signedIn
        ? clientError(`Send at most ${limits.files} file${limits.files === 1 ? "" : "s"} per request`, 413)
        : unauthorized("Uploading a file needs an access token (Authorization: Bearer …)");
    case "FST_FIELDS_LIMIT":
    case "FST_PARTS_LIMIT":
      return clientError(`Send at most ${limits.fields} form fields per request`, 413);
    case "FST_REQ_FILE_TOO_LARGE":
      return clientError(`The file exceeds ${limits.fileSize / 1024 / 1024} MiB`, 413);
    default:
      return error;
  }
}
