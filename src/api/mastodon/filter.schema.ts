// JSON schemas (TypeBox, ADR 0027) of the Mastodon filters v2 routes
// (docs.joinmastodon.org/methods/filters). What a title, context or action may
// be is the service's rule (src/services/accounts/filter.service.ts).
import { Type } from "@fastify/type-provider-typebox";
import { ClearableText, Flag, Id, OptionalId, Words } from "./mastodon.schema.ts";

const Keyword = Type.Object({ id: OptionalId, keyword: ClearableText(512), whole_word: Flag, _destroy: Flag });

/** POST /api/v2/filters and PUT /api/v2/filters/:id */
export const FilterBody = Type.Object({
  title: ClearableText(256),
  context: Words,
  filter_action: ClearableText(16),
  expires_in: Type.Optional(Type.Union([Type.Integer({ minimum: 0, description: "seconds; null or 0 = never" }), Type.Null()])),
  // JSON: [{keyword, whole_word, id, _destroy}]; a form: keywords_attributes[][keyword]=… or keywords_attributes[0][keyword]=…
  keywords_attributes: Type.Optional(Type.Array(Keyword, { maxItems: 100 })),
});

/** POST /api/v2/filters/:id/keywords and PUT /api/v2/filters/keywords/:id */
export const KeywordBody = Type.Object({ keyword: ClearableText(512), whole_word: Flag });

/** POST /api/v2/filters/:id/statuses */
export const FilterStatusBody = Type.Object({ status_id: Id });
