// Hashtags: tags/:name and following it, followed_tags, featured tags.
import type { FastifyInstance } from "fastify";
import { notFound } from "../../domain/errors.ts";
import { getActorById } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  describeTag,
  featuredTags,
  featuredTagSuggestions,
  featureTag,
  followedTags,
  followTag,
  unfeatureTag,
  unfollowTag,
} from "../../services/posts/tag.service.ts";
import { optionalUser, requireUser, userIfScoped } from "./guard.ts";
import { assertCanSeeActor, viewerOf } from "../../services/visibility.service.ts";
import { pagedList } from "./pagination.ts";
import { Type } from "@fastify/type-provider-typebox";
import { ClearableText, typed } from "./mastodon.schema.ts";
import { toMastodonFeaturedTag, toMastodonTag } from "./tag.serializer.ts";

type NameParams = { Params: { name: string } };
type IdParams = { Params: { id: string } };

export function registerMastodonTagRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<NameParams>("/api/v1/tags/:name", async (request) => {
    const viewer = await userIfScoped(ctx, request, "read:follows");
    return toMastodonTag(await describeTag(ctx, viewer?.actorId ?? null, request.params.name), ctx.origin);
  });

  fastify.post<NameParams>("/api/v1/tags/:name/follow", async (request) => {
    const caller = await requireUser(ctx, request, "write:follows");
    return toMastodonTag(await followTag(ctx, caller.actorId, request.params.name), ctx.origin);
  });

  fastify.post<NameParams>("/api/v1/tags/:name/unfollow", async (request) => {
    const caller = await requireUser(ctx, request, "write:follows");
    return toMastodonTag(await unfollowTag(ctx, caller.actorId, request.params.name), ctx.origin);
  });

  fastify.get("/api/v1/followed_tags", async (request, reply) => {
    const caller = await requireUser(ctx, request, "read:follows");
    return pagedList(
      request,
      reply,
      ctx.origin,
      { default: 100, max: 200 },
      (page) => followedTags(ctx, caller.actorId, page),
      (r) => r.rowId,
      (rows) => rows.map((r) => toMastodonTag(r.tag, ctx.origin)),
    );
  });

  fastify.get("/api/v1/featured_tags", async (request) => {
    const caller = await requireUser(ctx, request, "read:accounts");
    const me = (await getActorById(ctx, caller.actorId))!;
    return (await featuredTags(ctx, caller.actorId)).map((t) => toMastodonFeaturedTag(t, me));
  });

  typed(fastify).post("/api/v1/featured_tags", { schema: { body: Type.Object({ name: ClearableText(200) }) } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:accounts");
    const me = (await getActorById(ctx, caller.actorId))!;
    return toMastodonFeaturedTag(await featureTag(ctx, caller.actorId, request.body.name), me);
  });

  fastify.delete<IdParams>("/api/v1/featured_tags/:id", async (request) => {
    const caller = await requireUser(ctx, request, "write:accounts");
    await unfeatureTag(ctx, caller.actorId, request.params.id);
    return {};
  });

  fastify.get("/api/v1/featured_tags/suggestions", async (request) => {
    const caller = await requireUser(ctx, request, "read:accounts");
    return (await featuredTagSuggestions(ctx, caller.actorId)).map((t) => toMastodonTag(t, ctx.origin));
  });

  fastify.get<IdParams>("/api/v1/accounts/:id/featured_tags", async (request) => {
    // As the other /accounts/:id doors: a secret group does not exist for outsiders.
    const found = await getActorById(ctx, request.params.id);
    if (!found || found.type === "Application") throw notFound("Record not found");
    const account = await assertCanSeeActor(ctx, viewerOf((await optionalUser(ctx, request, "read:accounts"))?.actorId), found);
    return (await featuredTags(ctx, account.id)).map((t) => toMastodonFeaturedTag(t, account));
  });
}
