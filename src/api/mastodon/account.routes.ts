// Mastodon accounts API: who am I, profiles, relationships, follows. A group
// is an Account with `group: true`; following it is joining it.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { notFound, validationFailed } from "../../domain/errors.ts";
import { getActorById, requireLocalUserActor, resolveActor } from "../../services/accounts/actor.service.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  acceptFollowRequest,
  followActor,
  listFollowersOf,
  listFollowingOf,
  listFollowRequests,
  rejectFollowRequest,
  unfollowActor,
} from "../../services/accounts/follow.service.ts";
import { joinGroup, leaveGroup } from "../../services/groups/group.service.ts";
import { getProfileItems } from "../../services/posts/account-timeline.service.ts";
import { getRelationships } from "../../services/posts/timeline.service.ts";
import { updateProfile } from "../../services/accounts/user.service.ts";
import { profileFieldsOf, updateProfileExtras } from "../../services/accounts/profile.service.ts";
import { profileExtrasFrom } from "./fields-attributes.ts";
import { assertCanSeeActor, canListFollowsOf, viewerOf, visibleInMemberLists, type Viewer } from "../../services/visibility.service.ts";
import { applyFilters } from "./filter.apply.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { pageBounds, setLinkHeader } from "./pagination.ts";
import { AccountStatusesQuery, RelationshipsQuery, UpdateCredentialsBody } from "./account.schema.ts";
import { IdPath, typed } from "./mastodon.schema.ts";
import { renderAccount, renderAccounts, renderHomeItems } from "./render.ts";
import { renderRelationship, renderRelationships } from "./relationship.render.ts";

type IdParams = { Params: { id: string } };

/** An account by id, before anyone asks who may see it (the caller does). */
async function findAccount(ctx: ServiceContext, id: string) {
  const actor = await getActorById(ctx, id);
  if (!actor || actor.type === "Application") throw notFound("Record not found");
  return actor;
}

/** An account the caller may see (a secret group does not exist for outsiders). */
async function requireAccount(ctx: ServiceContext, viewer: Viewer, id: string) {
  return assertCanSeeActor(ctx, viewer, await findAccount(ctx, id));
}

/** The viewer of an account read: nobody, or a token with read:accounts (403 without it). */
async function readerOf(ctx: ServiceContext, request: FastifyRequest): Promise<Viewer> {
  return viewerOf((await optionalUser(ctx, request, "read:accounts"))?.actorId);
}

export function registerMastodonAccountRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get("/api/v1/accounts/verify_credentials", async (request) => {
    const caller = await requireUser(ctx, request, "read:accounts");
    const actor = await requireLocalUserActor(ctx, caller.username);
    const requests = await listFollowRequests(ctx, caller.username);
    return {
      ...(await renderAccount(ctx, actor)),
      source: {
        privacy: "public",
        sensitive: false,
        language: null,
        note: actor.summary ?? "",
        // Plain text, as the profile editor of an app shows them.
        fields: profileFieldsOf(actor).map((f) => ({ ...f, verified_at: null })),
        follow_requests_count: requests.items.length,
      },
    };
  });

  typed(fastify).patch("/api/v1/accounts/update_credentials", { schema: { body: UpdateCredentialsBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:accounts");
    const body = request.body;
    // Checked before anything is changed, so a bad image changes nothing.
    const extras = profileExtrasFrom(body);
    const changes = { displayName: body.display_name, bio: body.note, locked: body.locked };
    if (extras) await updateProfileExtras(ctx, caller.username, extras);
    await updateProfile(ctx, caller.username, changes);
    const actor = await requireLocalUserActor(ctx, caller.username);
    return renderAccount(ctx, actor);
  });

  fastify.get<{ Querystring: { acct?: string } }>("/api/v1/accounts/lookup", async (request) => {
    const acct = request.query.acct?.trim();
    if (!acct) throw validationFailed("Missing acct");
    const handle = acct.includes("@") ? `@${acct.replace(/^@/, "")}` : `@${acct}@${ctx.origin.host}`;
    const viewer = await optionalUser(ctx, request, "read:accounts");
    // Only a signed-in caller makes this server fetch (and store) an account it does not know.
    const actor = await resolveActor(ctx, handle, { fetch: viewer !== null }).catch(() => null);
    return renderAccount(ctx, await assertCanSeeActor(ctx, viewerOf(viewer?.actorId), actor));
  });

  typed(fastify).get("/api/v1/accounts/relationships", { schema: { querystring: RelationshipsQuery } }, async (request) => {
    const caller = await requireUser(ctx, request, "read:follows");
    return renderRelationships(ctx, caller.actorId, request.query.id ?? []);
  });

  fastify.get<IdParams>("/api/v1/accounts/:id", async (request) =>
    renderAccount(ctx, await requireAccount(ctx, await readerOf(ctx, request), request.params.id)),
  );

  typed(fastify).get("/api/v1/accounts/:id/statuses", { schema: { params: IdPath, querystring: AccountStatusesQuery } }, async (request, reply) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    // getProfileItems asks who may see the account (for a group, with its posts: one read of the facts).
    const actor = await findAccount(ctx, request.params.id);
    const q = request.query;
    const items = await getProfileItems(ctx, viewer?.actorId ?? null, actor, pageBounds(request), {
      pinned: q.pinned ?? false,
      onlyMedia: q.only_media ?? false,
      excludeReplies: q.exclude_replies ?? false,
      excludeReblogs: q.exclude_reblogs ?? false,
      tagged: q.tagged?.replace(/^#/, ""),
    });
    setLinkHeader(
      request,
      reply,
      ctx.origin,
      items.map((i) => i.id),
    );
    return applyFilters(ctx, viewer?.actorId ?? null, "account", await renderHomeItems(ctx, items));
  });

  for (const direction of ["followers", "following"] as const) {
    fastify.get<IdParams>(`/api/v1/accounts/:id/${direction}`, async (request, reply) => {
      const viewer = await readerOf(ctx, request);
      const actor = await requireAccount(ctx, viewer, request.params.id);
      if (!(await canListFollowsOf(ctx, viewer, actor, direction))) throw notFound("Record not found");
      const bounds = pageBounds(request, 40, 80);
      const list = direction === "followers" ? listFollowersOf : listFollowingOf;
      const page = await list(ctx, actor.id, bounds.maxId ?? null, bounds.limit);
      setLinkHeader(
        request,
        reply,
        ctx.origin,
        page.items.map((f) => f.followId),
      );
      const shown = await visibleInMemberLists(ctx, viewer, page.items, (f) => f.actor);
      return renderAccounts(
        ctx,
        shown.map((f) => f.actor),
      );
    });
  }

  fastify.post<IdParams>("/api/v1/accounts/:id/follow", async (request) => {
    const caller = await requireUser(ctx, request, "write:follows");
    const target = await requireAccount(ctx, viewerOf(caller.actorId), request.params.id);
    if (target.type === "Group") await joinGroup(ctx, caller.username, target.id);
    else await followActor(ctx, caller.username, target.uri);
    return renderRelationship(ctx, caller.actorId, target.id);
  });

  fastify.post<IdParams>("/api/v1/accounts/:id/unfollow", async (request) => {
    const caller = await requireUser(ctx, request, "write:follows");
    const target = await requireAccount(ctx, viewerOf(caller.actorId), request.params.id);
    const rel = (await getRelationships(ctx, caller.actorId, [target.id])).get(target.id)!;
    if (rel.following || rel.requested) {
      if (target.type === "Group") await leaveGroup(ctx, caller.username, target.id);
      else await unfollowActor(ctx, caller.username, target.uri);
    }
    return renderRelationship(ctx, caller.actorId, target.id);
  });

  fastify.get("/api/v1/follow_requests", async (request) => {
    const caller = await requireUser(ctx, request, "read:follows");
    const page = await listFollowRequests(ctx, caller.username);
    return renderAccounts(
      ctx,
      page.items.map((f) => f.actor),
    );
  });

  for (const action of ["authorize", "reject"] as const) {
    fastify.post<IdParams>(`/api/v1/follow_requests/:id/${action}`, async (request) => {
      const caller = await requireUser(ctx, request, "write:follows");
      const page = await listFollowRequests(ctx, caller.username);
      const pending = page.items.find((f) => f.actor.id === request.params.id);
      if (!pending) throw notFound("Record not found");
      if (action === "authorize") await acceptFollowRequest(ctx, caller.username, pending.followId);
      else await rejectFollowRequest(ctx, caller.username, pending.followId);
      return renderRelationship(ctx, caller.actorId, request.params.id);
    });
  }
}
