// Every actor the Ecotone API returns carries its organization
// ({name, domain, logoUrl, relationship}, "self" for ours) and, for people,
// their audience segment. Actors are nested in many answers (posts, members,
// tasks…), so one hook fills them all in just before serialization, with one
// statement per response instead of a copy of this in every route.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { actorLabels } from "../../services/organizations/actor-labels.service.ts";

const PREFIX = "/api/ecotone/v1/";
const MAX_DEPTH = 8;

interface ActorShape {
  id: string;
  uri: string;
  handle: string;
  domain: string;
  type: string;
  local: boolean;
  organization?: unknown;
  audience?: unknown;
}

function isActorShape(value: Record<string, unknown>): boolean {
  return (
    typeof value.handle === "string" &&
    typeof value.domain === "string" &&
    typeof value.uri === "string" &&
    typeof value.type === "string" &&
    typeof value.id === "string" &&
    !("organization" in value)
  );
}

function collect(value: unknown, found: ActorShape[], depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if (isActorShape(record)) found.push(record as unknown as ActorShape);
  for (const child of Object.values(record)) collect(child, found, depth + 1);
}

export function registerOrganizationField(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.addHook("preSerialization", async (request, _reply, payload) => {
    if (!request.url.startsWith(PREFIX) || payload === null || typeof payload !== "object") return payload;
    const actors: ActorShape[] = [];
    collect(payload, actors, 0);
    if (actors.length === 0) return payload;
    const domains = [...new Set(actors.map((a) => a.domain))];
    const people = actors.filter((a) => a.type === "Person");
    const { organizations: orgs, relationships, audiences } = await actorLabels(ctx, domains, people);
    for (const actor of actors) {
      const org = orgs.get(actor.domain)!;
      actor.organization = { name: org.name, domain: org.domain, logoUrl: org.logoUrl, relationship: relationships.get(actor.domain) ?? null };
      if (actor.type === "Person") actor.audience = audiences.get(actor.id) ?? "other";
    }
    return payload;
  });
}
