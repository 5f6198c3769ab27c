// Polls (docs.joinmastodon.org/methods/polls): read one, vote.
import type { FastifyInstance } from "fastify";
import { validationFailed } from "../../domain/errors.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getPollEntry, votePoll } from "../../services/posts/poll.service.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { bodyOf, listParam } from "./params.ts";
import { toMastodonPoll } from "./poll.serializer.ts";
import { VoteBody } from "./poll.schema.ts";

type IdParams = { Params: { id: string } };

export function registerMastodonPollRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<IdParams>("/api/v1/polls/:id", async (request) => {
    const viewer = await optionalUser(ctx, request);
    return toMastodonPoll((await getPollEntry(ctx, viewer?.actorId ?? null, request.params.id)).poll);
  });

  fastify.post<IdParams>("/api/v1/polls/:id/votes", { schema: { body: VoteBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    const raw = listParam(bodyOf(request), "choices");
    const choices = raw.map((c) => (/^\d+$/.test(c.trim()) ? Number(c) : Number.NaN));
    if (choices.some(Number.isNaN)) throw validationFailed("Validation failed: choices[] are option numbers (0, 1, …)");
    await votePoll(ctx, caller.actorId, request.params.id, choices);
    return toMastodonPoll((await getPollEntry(ctx, caller.actorId, request.params.id)).poll);
  });
}
