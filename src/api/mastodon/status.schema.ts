// JSON schemas (TypeBox, ADR 0027) of the Mastodon statuses routes
// (docs.joinmastodon.org/methods/statuses). Apps send more fields than we
// read (scheduled_at, quote_id…): those are let through, as Mastodon does.
import { Type } from "@fastify/type-provider-typebox";
import { Flag, IdList, OptionalId, Text } from "./mastodon.schema.ts";
import { StatusPoll } from "./poll.schema.ts";

/** POST /api/v1/statuses */
export const NewStatusBody = Type.Object({
  status: Text(),
  in_reply_to_id: OptionalId,
  visibility: Text(16),
  spoiler_text: Text(),
  sensitive: Flag,
  language: Text(16),
  media_ids: IdList,
  poll: StatusPoll,
});

/** PUT /api/v1/statuses/:id */
export const EditStatusBody = Type.Object({ status: Text(), spoiler_text: Text() });
