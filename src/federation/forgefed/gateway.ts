// The entry the HTTP adapter calls before handing a request to Fedify: task
// documents and task activities are answered here, everything else is not.
import type { Federation } from "@fedify/fedify";
import type { ServiceContext } from "../../services/context.ts";
import { serveTaskDocument } from "./task-documents.ts";
import { isTaskActivity, receiveTaskActivity } from "./task-inbox.ts";
import type { Json } from "./vocabulary.ts";

/** `body` is an inbox POST's, parsed once by the HTTP adapter. */
export type TaskGateway = (request: Request, body: { json: unknown } | undefined) => Promise<Response | null>;

export function createTaskGateway(federation: Federation<ServiceContext>, ctx: ServiceContext): TaskGateway {
  return async (request, body) => {
    if (request.method === "GET") return serveTaskDocument(federation, ctx, request);
    if (request.method !== "POST" || !body) return null;
    const activity = body.json as Json;
    if (!activity || typeof activity !== "object" || Array.isArray(activity)) return null;
    if (!isTaskActivity(ctx, activity)) return null;
    return receiveTaskActivity(federation, ctx, request, activity);
  };
}
