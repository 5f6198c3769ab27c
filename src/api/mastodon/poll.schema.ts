// JSON schemas (TypeBox, ADR 0027) of the Mastodon routes for polls and the
// poll part of a new status. JSON (`poll: {options, expires_in}`) and forms
// (`poll[options][]=…&poll[expires_in]=…`) both arrive in this shape
// (ADR 0008); the rules on content (how many options, how long open…) are the
// domain's (src/domain/poll.rules.ts), which answer with Mastodon-style messages.
import { Type } from "@fastify/type-provider-typebox";
import type { NewPoll } from "../../domain/poll.rules.ts";
import { Flag, OneOrMany } from "./mastodon.schema.ts";

/** `poll` of POST /api/v1/statuses; `null` counts as none. */
export const StatusPoll = Type.Optional(
  Type.Object(
    {
      options: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 }),
      expires_in: Type.Integer({ description: "seconds" }),
      multiple: Flag,
      hide_totals: Flag,
    },
    { additionalProperties: false },
  ),
);

/** The domain's poll from the checked `poll` field. */
export function newPollOf(poll: { options: string[]; expires_in: number; multiple?: boolean; hide_totals?: boolean } | undefined): NewPoll | undefined {
  if (!poll) return undefined;
  return { options: poll.options, expiresInSeconds: poll.expires_in, multiple: poll.multiple ?? false, hideTotals: poll.hide_totals ?? false };
}

/** POST /api/v1/polls/:id/votes: `choices` (JSON) or `choices[]` (form), option numbers. */
export const VoteBody = Type.Object({ choices: OneOrMany(Type.Integer({ minimum: 0 }), 50) }, { additionalProperties: false });
