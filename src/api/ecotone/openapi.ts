// The OpenAPI 3.1 document of the Ecotone API, served at
// /api/ecotone/v1/openapi.json. Paths and methods come from the routes
// fastify actually registered (so a new route cannot go undocumented);
// summaries and scopes come from the table below.
import type { FastifyInstance } from "fastify";
import { ECOTONE_VERSION } from "../../domain/version.ts";

const BASE = "/api/ecotone/v1";

/** "METHOD path" → [summary, scope or null for public reads]. */
const DESCRIPTIONS: Record<string, [string, string | null]> = {
  "GET /me": ["The signed-in account, with follower counts", "read:accounts"],
  "GET /actors/lookup": ["Find an account by handle (?handle=@name@host), fetching a remote one", "read:accounts"],
  "POST /follows": ['Follow an account: {"target": "@name@host"}', "write:follows"],
  "DELETE /follows": ['Unfollow: {"target": "@name@host"}', "write:follows"],
  "GET /users/{username}/followers": ["A local user's followers, paged by ?cursor=", null],
  "GET /users/{username}/following": ["Who a local user follows, paged by ?cursor=", null],
  "GET /follow-requests": ["Follow requests waiting for the signed-in (locked) account", "read:follows"],
  "POST /follow-requests/{id}/accept": ["Accept a follow request", "write:follows"],
  "POST /follow-requests/{id}/reject": ["Reject a follow request", "write:follows"],
  "POST /groups": ['Create a group: {"slug", "name"?, "summary"?, "visibility"?: public|members_only|secret, "joinPolicy"?: open|approval|invite}', "write:groups"],
  "GET /groups": ["Listed groups here, and remote groups the viewer belongs to", null],
  "GET /groups/{group}": ["A group by id, local name, @name@host or URL (URL-encoded), with the viewer's membership", null],
  "GET /groups/{group}/posts": ["The group's timeline (its posts and posts shared into it), paged by ?cursor=", null],
  "GET /groups/{group}/members": ["Members (?state=pending: join requests, for moderators)", null],
  "POST /groups/{group}/join": ["Join (or ask to join) a group here or on another instance", "write:groups"],
  "POST /groups/{group}/leave": ["Leave a group", "write:groups"],
  "POST /groups/{group}/requests/{request}/approve": ["Approve a join request (moderators)", "write:groups"],
  "POST /groups/{group}/requests/{request}/reject": ["Reject a join request (moderators)", "write:groups"],
  "POST /groups/{group}/invites": ['Invite an account: {"target"} (moderators)', "write:groups"],
  "POST /groups/{group}/bans": ['Ban a member: {"target", "reason"?} (moderators)', "write:groups"],
  "DELETE /groups/{group}/bans": ['Lift a ban: {"target"} (moderators)', "write:groups"],
  "POST /groups/{group}/roles": ['Set a member\'s role: {"target", "role": owner|moderator|member}', "write:groups"],
  "POST /posts": ['Write a post: {"group" or "inReplyTo", "content", "title"?, "summary"?, "sensitive"?, "language"?, "kind"?: post|question, "externalRef"?: {"system", "id", "url"?}}', "write:statuses"],
  "GET /groups/{group}/tasks": ["The group's task board: its statuses and tasks (?status= to filter)", null],
  "PUT /groups/{group}/tasks/statuses": ['Rename or add a board\'s statuses: {"statuses": [{"key", "label", "closed"}]} (moderators, at the group\'s home)', "write:groups"],
  "POST /groups/{group}/tasks": ['Open a task: {"title", "description"?, "priority"?: low|normal|high|urgent, "due"?: YYYY-MM-DD, "labels"?, "dependsOn"?, "assignees"?, "externalRef"?: {"system", "id", "url"?}}', "write:statuses"],
  "GET /tasks/{id}": ["A task, with assignees, version and history", null],
  "PATCH /tasks/{id}": ['Edit a task: {"version" (the one you read), "title"?, "description"?, "priority"?, "due"?, "labels"?, "dependsOn"?}; 409 when it changed since', "write:statuses"],
  "DELETE /tasks/{id}": ["Delete a task (moderators)", "write:statuses"],
  "POST /tasks/{id}/status": ['Move a task: {"status", "version"?} (assignees and moderators)', "write:statuses"],
  "POST /tasks/{id}/assignees": ['Assign someone: {"assignee": "@name@host"}; someone on another instance must accept first', "write:statuses"],
  "DELETE /tasks/{id}/assignees": ['Remove an assignee: {"assignee"}', "write:statuses"],
  "POST /tasks/{id}/assignment/accept": ["Accept the assignment waiting for your consent", "write:statuses"],
  "POST /tasks/{id}/assignment/decline": ["Decline the assignment waiting for your consent", "write:statuses"],
  "GET /tasks/{id}/history": ["Who changed what on a task, and when", null],
  "GET /tasks/{id}/comments": ["Comments on a task (replies to its companion note)", null],
  "POST /tasks/{id}/comments": ['Comment on a task: {"content"}', "write:statuses"],
  "GET /me/tasks": ["Tasks assigned to me across groups and instances (?status=, ?due_before=YYYY-MM-DD, ?overdue=true)", "read:statuses"],
  "GET /posts/{id}": ["A post the viewer may see", null],
  "PATCH /posts/{id}": ['Edit your post: {"content", "title"?, "summary"?}', "write:statuses"],
  "DELETE /posts/{id}": ["Delete your post, or remove one from a group you moderate", "write:statuses"],
  "GET /posts/{id}/thread": ["Every post of the thread, oldest first", null],
  "GET /posts/{id}/history": ["Earlier versions of an edited post", null],
  "POST /posts/{id}/share": ['Share a public post into another group: {"group"}', "write:statuses"],
  "POST /posts/{id}/lock": ["Lock a thread (moderators)", "write:statuses"],
  "DELETE /posts/{id}/lock": ["Unlock a thread (moderators)", "write:statuses"],
  "POST /posts/{id}/like": ["Like a post", "write:favourites"],
  "DELETE /posts/{id}/like": ["Withdraw a like", "write:favourites"],
  "GET /groups/{group}/questions": ["The group's questions (?state=unanswered|answered|accepted), newest first, paged by ?cursor=", null],
  "GET /groups/{group}/questions/similar": ["Answered questions like the one being written (?q=), best match first", null],
  "GET /groups/{group}/experts": ["Members whose answers were accepted most (?tag= for questions with a tag), with reputation", null],
  "GET /questions/{id}": ["A question with its answers (official or community) and the accepted one", null],
  "POST /posts/{id}/accept": ['Accept an answer: {"answer": "<post id or URI of a reply>"} (the asker, or a moderator at the group\'s home); may change it', "write:statuses"],
  "POST /webhooks": ['Subscribe a URL to events: {"url", "events"?: [post.created, question.asked, …], "group"?, "description"?}; answers the signing secret once (admins; group owners for their groups)', "write:webhooks"],
  "GET /webhooks": ["Your webhook subscriptions (every one, for admins)", "read:webhooks"],
  "DELETE /webhooks/{id}": ["Delete a webhook subscription", "write:webhooks"],
  "POST /webhooks/{id}/rotate-secret": ["A new signing secret; the previous one keeps signing beside it for a day", "write:webhooks"],
  "POST /webhooks/{id}/enable": ["Switch a (disabled) subscription back on", "write:webhooks"],
  "POST /webhooks/{id}/disable": ["Pause a subscription", "write:webhooks"],
  "GET /webhooks/{id}/deliveries": ["The delivery log, newest first (?before=<delivery id> to page)", "read:webhooks"],
  "POST /webhooks/{id}/deliveries/{delivery}/replay": ["Send a delivery again (same webhook-id, fresh signature)", "write:webhooks"],
  "POST /posts/{id}/escalate": ['Turn a thread into a task on the group\'s board, linked both ways; the asker is mentioned: {"title"?} (moderators)', "write:statuses"],
  "GET /tasks": ["Find a task by its external reference: ?externalRef=system:id", null],
  "POST /reports": ['Report an account or posts: {"target"?, "postIds"?, "comment"?}', "write:reports"],
  "GET /reports": ["Open reports (instance staff: all; group moderators: their groups')", "read:reports"],
  "POST /reports/{id}/resolve": ["Mark a report resolved", "write:reports"],
  "GET /groups/{group}/ideas": ["The idea board: ?sort=top (member votes) or momentum (votes weighted by age), ?q= search", null],
  "POST /groups/{group}/ideas": ['Propose an idea: {"title", "content"}', "write:statuses"],
  "GET /ideas/{id}": ["An idea with its votes, status, reason and status history", null],
  "POST /ideas/{id}/vote": ["Vote for an idea (members; one vote each)", "write:favourites"],
  "DELETE /ideas/{id}/vote": ["Withdraw your vote", "write:favourites"],
  "POST /ideas/{id}/status": ['Answer an idea (moderators of the owning group): {"status": under_review|planned|in_progress|done|declined|duplicate, "reason"?, "duplicateOf"?}', "write:statuses"],
  "GET /openapi.json": ["This document", null],
};

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ["validation_failed", "not_found", "conflict", "forbidden", "unauthorized", "payload_too_large", "rate_limited", "internal"] },
        message: { type: "string" },
        details: { type: "object" },
      },
    },
  },
};

export function buildOpenApiDocument(origin: string, routes: Array<{ method: string; path: string }>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.slice(BASE.length).replace(/:(\w+)/g, "{$1}") || "/";
    const [summary, scope] = DESCRIPTIONS[`${route.method} ${path}`] ?? ["(undocumented)", null];
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = {
      summary,
      ...(parameters.length ? { parameters } : {}),
      ...(scope ? { security: [{ bearer: [scope] }], "x-scope": scope } : {}),
      ...(["POST", "PATCH", "PUT", "DELETE"].includes(route.method)
        ? { requestBody: { required: false, content: { "application/json": { schema: { type: "object" } } } } }
        : {}),
      responses: {
        "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
        default: { description: "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Ecotone API",
      version: ECOTONE_VERSION,
      description:
        "Groups, posts, follows and reports across Ecotone instances. Tokens: `ecotone token create <user> --scopes \"read write follow\"` or OAuth 2 (see docs/clients.md).",
    },
    servers: [{ url: `${origin}${BASE}` }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}

export function registerOpenApiRoute(fastify: FastifyInstance, origin: string): void {
  const routes: Array<{ method: string; path: string }> = [];
  fastify.addHook("onRoute", (route) => {
    if (!route.url.startsWith(BASE)) return;
    for (const method of [route.method].flat()) if (method !== "HEAD") routes.push({ method, path: route.url });
  });
  let document: unknown = null;
  fastify.get(`${BASE}/openapi.json`, async () => (document ??= buildOpenApiDocument(origin, routes)));
}

export { DESCRIPTIONS };
