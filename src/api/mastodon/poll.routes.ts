// Polls (docs.joinmastodon.org/methods/polls): read one, vote.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../services/context.ts";
import { getPollEntry, votePoll } from "../../services/posts/poll.service.ts";
import { optionalUser, requireUser } from "./guard.ts";
import { toMastodonPoll } from "./poll.serializer.ts";
import { VoteBody } from "./poll.schema.ts";
import { IdPath, typed } from "./mastodon.schema.ts";

type IdParams = { Params: { id: string } };

export function registerMastodonPollRoutes(fastify: FastifyInstance, ctx: ServiceContext): void {
  fastify.get<IdParams>("/api/v1/polls/:id", async (request) => {
    const viewer = await optionalUser(ctx, request, "read:statuses");
    return toMastodonPoll((await getPollEntry(ctx, viewer?.actorId ?? null, request.params.id)).poll);
  });

  typed(fastify).post("/api/v1/polls/:id/votes", { schema: { params: IdPath, body: VoteBody } }, async (request) => {
    const caller = await requireUser(ctx, request, "write:statuses");
    await votePoll(ctx, caller.actorId, request.params.id, request.body.choices);
    return toMastodonPoll((await getPollEntry(ctx, caller.actorId, request.params.id)).poll);
  });
}
