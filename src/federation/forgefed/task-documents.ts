// Tickets served to other servers: GET /tasks/{id} and a group's board at
// /users/{slug}/tasks. Members-only boards answer only a signed request from
// a member (or from the instance actor of an instance that has members);
// anyone else learns nothing, not even that the task exists.
import type { Federation } from "@fedify/fedify";
import { findGroupByActorId } from "../../db/queries/group.queries.ts";
import { findLocalActorByUsername } from "../../db/queries/actor.queries.ts";
import { findTaskById, listGroupTasks } from "../../db/repos/task.repo.ts";
import { canFetchGroupContent } from "../../services/groups/access.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import { taskSnapshot } from "../../services/tasks/task.service.ts";
import { verifySender } from "./signed-http.ts";
import { boardUriOf, toTicket } from "./ticket.mapper.ts";
import { TASK_CONTEXT } from "./vocabulary.ts";

const NOT_FOUND = () => new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });

function wantsActivityJson(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return /application\/(activity\+json|ld\+json)/.test(accept);
}

async function mayRead(federation: Federation<ServiceContext>, ctx: ServiceContext, request: Request, groupId: string) {
  const group = await findGroupByActorId(ctx.db, groupId);
  if (!group) return false;
  if (group.group.visibility === "public") return true;
  const sender = await verifySender(federation.createContext(request, ctx), request);
  if (!sender) return false;
  return canFetchGroupContent(ctx, groupId, {
    actorId: sender.actor.id,
    uri: sender.actor.uri,
    host: new URL(sender.actor.uri).host,
    isInstanceActor: sender.isInstanceActor,
  });
}

export async function serveTaskDocument(federation: Federation<ServiceContext>, ctx: ServiceContext, request: Request): Promise<Response | null> {
  if (!wantsActivityJson(request)) return null;
  const path = new URL(request.url).pathname;
  const taskMatch = /^\/tasks\/(\d{19})$/.exec(path);
  const boardMatch = /^\/users\/([^/]+)\/tasks$/.exec(path);
  if (!taskMatch && !boardMatch) return null;
  const headers = { "content-type": "application/activity+json", vary: "Accept, Signature" };
  if (taskMatch) {
    const task = await findTaskById(ctx.db, taskMatch[1]!);
    if (!task?.is_home || !(await mayRead(federation, ctx, request, task.group_id))) return NOT_FOUND();
    return new Response(JSON.stringify(toTicket(await taskSnapshot(ctx, task))), { headers });
  }
  const actor = await findLocalActorByUsername(ctx.db, decodeURIComponent(boardMatch![1]!));
  if (!actor || actor.type !== "Group" || !(await mayRead(federation, ctx, request, actor.id))) return NOT_FOUND();
  const tasks = await listGroupTasks(ctx.db, actor.id, {});
  const board = {
    "@context": TASK_CONTEXT,
    id: boardUriOf(actor.uri),
    type: "OrderedCollection",
    attributedTo: actor.uri,
    totalItems: tasks.length,
    orderedItems: tasks.map((t) => t.uri),
  };
  return new Response(JSON.stringify(board), { headers });
}
