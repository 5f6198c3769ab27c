// /api/ecotone/v1/segments: saved sets of people, their members (JSON or
// CSV), invitations to a group and announcements (docs/insights.md, "Segments").
import type { FastifyInstance } from "fastify";
import { AUDIENCES } from "../../domain/user.rules.ts";
import { SEGMENT_RELATIONSHIPS } from "../../domain/segment.rules.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  createSegment,
  getSegment,
  announceToSegment,
  inviteSegment,
  listSegments,
  removeSegment,
  segmentMemberList,
  segmentMembersCsv,
} from "../../services/insights/segment.service.ts";
import { signedIn } from "./guard.ts";
import { IdParams, RequiredText, route, Type, typed } from "./schema.ts";

const BASE = "/api/ecotone/v1/segments";

const Days = Type.Integer({ minimum: 1, maximum: 366 });
export const SegmentFilterSchema = Type.Object(
  {
    organizations: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 200 })),
    relationships: Type.Optional(Type.Array(Type.Union(SEGMENT_RELATIONSHIPS.map((r) => Type.Literal(r))), { maxItems: 10 })),
    audiences: Type.Optional(Type.Array(Type.Union(AUDIENCES.map((a) => Type.Literal(a))), { maxItems: 10 })),
    group: Type.Optional(RequiredText({ maxLength: 2048 })),
    activeWithinDays: Type.Optional(Days),
    silentForDays: Type.Optional(Days),
    minPosts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    voted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const SegmentBody = Type.Object({ name: RequiredText({ maxLength: 100 }), filter: SegmentFilterSchema });

export function registerSegmentRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  const app = typed(fastify);

  app.post(
    BASE,
    route(
      'Save a segment: {"name", "filter": {organizations?, relationships?, audiences?, group?, activeWithinDays?, silentForDays?, minPosts?, voted?}}',
      "write",
      {
        body: SegmentBody,
      },
    ),
    async (request, reply) => reply.code(201).send(await createSegment(ctx, signedIn(request), request.body)),
  );

  app.get(BASE, route("Your saved segments", "read"), async (request) => ({ items: await listSegments(ctx, signedIn(request)) }));

  app.get(`${BASE}/:id`, route("One of your segments", "read", { params: IdParams }), async (request) => getSegment(ctx, signedIn(request), request.params.id));

  app.delete(`${BASE}/:id`, route("Delete one of your segments", "write", { params: IdParams }), async (request, reply) => {
    await removeSegment(ctx, signedIn(request), request.params.id);
    return reply.code(204).send();
  });

  app.get(
    `${BASE}/:id/members`,
    route("The segment's members now: {segment, total, items: [{handle, name, organization, audience, relationship, uri}]}, or ?format=csv", "read", {
      params: IdParams,
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("csv")])) }),
    }),
    async (request, reply) => {
      if (request.query.format !== "csv") return segmentMemberList(ctx, signedIn(request), request.params.id);
      const { name, csv } = await segmentMembersCsv(ctx, signedIn(request), request.params.id);
      const file = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "segment";
      return reply.header("content-type", "text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${file}.csv"`).send(csv);
    },
  );

  app.post(
    `${BASE}/:id/invite`,
    route('Invite the segment\'s members to a group you moderate: {"group"} → {invited, skipped}', "write:groups", {
      params: IdParams,
      body: Type.Object({ group: RequiredText({ maxLength: 2048 }) }),
    }),
    async (request) => inviteSegment(ctx, signedIn(request), request.params.id, request.body.group),
  );

  app.post(
    `${BASE}/:id/announce`,
    route(
      'Address an announcement to the segment\'s members now: {"text"} → {sent, posts}: one direct post to each member (up to 200), naming only them',
      "write:statuses",
      { params: IdParams, body: Type.Object({ text: RequiredText({ maxLength: 5000 }) }, { additionalProperties: false }) },
    ),
    async (request, reply) => reply.code(201).send(await announceToSegment(ctx, signedIn(request), request.params.id, request.body.text)),
  );
}
