// JSON schemas (TypeBox, ADR 0027) of the Mastodon routes for polls and the
// poll part of a new status. Apps send JSON (numbers or text) or forms (text,
// `name[]` keys), so both shapes are admitted as sent; the rules on content
// (how many options, how long open…) are the domain's (src/domain/poll.rules.ts),
// which answer with Mastodon-style messages.
import { Type } from "@fastify/type-provider-typebox";

const Flag = Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 10 }), Type.Null()]));
const Count = Type.Union([Type.Integer(), Type.String({ pattern: "^\\s*\\d+\\s*$" })]);
const Choices = Type.Array(Count, { maxItems: 50 });

/** `poll` of POST /api/v1/statuses: absent, null, or options with an expiry. */
export const StatusPollBody = Type.Object(
  {
    poll: Type.Optional(
      // The object first: a malformed poll's error then names its field.
      Type.Union([
        Type.Object(
          {
            options: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 }),
            expires_in: Type.Optional(Count),
            multiple: Flag,
            hide_totals: Flag,
          },
          { additionalProperties: false },
        ),
        Type.Null(),
        Type.Literal(""),
      ]),
    ),
    "poll[options][]": Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 })])),
    "poll[expires_in]": Type.Optional(Count),
  },
  { additionalProperties: true },
);

/** POST /api/v1/polls/:id/votes: `choices` (JSON) or `choices[]` (form). */
export const VoteBody = Type.Object(
  { choices: Type.Optional(Type.Union([Choices, Count])), "choices[]": Type.Optional(Type.Union([Choices, Count])) },
  { additionalProperties: false },
);
