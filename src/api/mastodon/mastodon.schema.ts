// The building blocks of the Mastodon routes' JSON schemas (TypeBox, ADR
// 0027). They are plain types: how apps write them on the wire (string
// booleans, numbers as ids, `name[]` lists, `a[b]` nesting) is read by
// src/http/rails-params.validator.ts before the check (ADR 0008).
import { Type, type TSchema, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";

/** The instance to declare Mastodon routes on: bodies and queries typed from their schemas. */
export const typed = (fastify: FastifyInstance) => fastify.withTypeProvider<TypeBoxTypeProvider>();

/** A list sent as `name[]=a&name[]=b`, `name=a` or a JSON array. */
export const OneOrMany = <T extends TSchema>(items: T, maxItems = 100) => Type.Array(items, { maxItems, "x-one-or-many": true });

/** A boolean (Rails: `true`, `1`, `on`, `yes`… and `false`, `0`, `off`, `no`…); absent when blank. */
export const Flag = Type.Optional(Type.Boolean());

/** An id: text or a JSON number (a 19-digit one keeps its digits). */
export const Id = Type.String({ pattern: "^[A-Za-z0-9_-]{1,64}$", description: "an id (text or a number)", "x-blank-absent": true });

/** An optional id. */
export const OptionalId = Type.Optional(Id);

/** A list of ids: `name[]=1&name[]=2`, `name=1` or a JSON array. */
export const IdList = Type.Optional(OneOrMany(Id));

/** Optional text; absent when blank. */
export const Text = (maxLength = 100_000) => Type.Optional(Type.String({ maxLength, "x-blank-absent": true }));

/** Optional text where blank means "clear it" (a bio, a display name). */
export const ClearableText = (maxLength = 100_000) => Type.Optional(Type.String({ maxLength }));

/** A list of words (`types[]=mention`, `context[]=home`). */
export const Words = Type.Optional(OneOrMany(Type.String({ maxLength: 64 }), 50));

/** A count in the query (`limit`, `offset`). */
export const Count = Type.Optional(Type.Integer({ minimum: 0 }));

/** `:id` in the path. */
export const IdPath = Type.Object({ id: Type.String() });
