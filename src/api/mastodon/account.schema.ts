// JSON schemas (TypeBox, ADR 0027) of the Mastodon accounts routes
// (docs.joinmastodon.org/methods/accounts).
import { Type } from "@fastify/type-provider-typebox";
import { ClearableText, Flag, IdList, Text } from "./mastodon.schema.ts";

/** PATCH /api/v1/accounts/update_credentials (JSON, form or multipart with images). */
export const UpdateCredentialsBody = Type.Object({
  display_name: ClearableText(1000),
  note: ClearableText(100_000),
  locked: Flag,
  // `fields_attributes[0][name]=…` in a form, an array or an object keyed by index in JSON.
  fields_attributes: Type.Optional(Type.Array(Type.Object({ name: Type.Optional(Type.Unknown()), value: Type.Optional(Type.Unknown()) }), { maxItems: 16 })),
  avatar: Type.Optional(Type.Unknown({ description: "an image file (multipart/form-data)" })),
  header: Type.Optional(Type.Unknown({ description: "an image file (multipart/form-data)" })),
});

/** GET /api/v1/accounts/relationships?id[]=… */
export const RelationshipsQuery = Type.Object({ id: IdList });

/** GET /api/v1/accounts/:id/statuses (paging fields are read by pagination.ts). */
export const AccountStatusesQuery = Type.Object({
  pinned: Flag,
  only_media: Flag,
  exclude_replies: Flag,
  exclude_reblogs: Flag,
  tagged: Text(200),
});
