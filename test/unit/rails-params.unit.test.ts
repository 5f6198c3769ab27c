// How the Mastodon routes' validator reads what apps send (ADR 0008): the
// route declares plain types, the wire brings Rails forms.
import { Type } from "@fastify/type-provider-typebox";
import { describe, expect, it } from "vitest";
import { readAsRails, railsValidatorCompiler } from "../../src/http/rails-params.validator.ts";
import { Flag, IdList, OptionalId, Text, Words } from "../../src/api/mastodon/mastodon.schema.ts";

const Body = Type.Object({
  sensitive: Flag,
  in_reply_to_id: OptionalId,
  media_ids: IdList,
  spoiler_text: Text(),
  poll: Type.Optional(Type.Object({ options: Type.Array(Type.String()), expires_in: Type.Integer(), multiple: Flag })),
  keywords_attributes: Type.Optional(Type.Array(Type.Object({ keyword: Type.Optional(Type.String()), whole_word: Flag }))),
  expires_in: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  types: Words,
});

const validate = railsValidatorCompiler({ schema: Body, method: "POST", url: "/api/v1/x", httpPart: "body" }) as (value: unknown) => {
  value?: unknown;
  error?: unknown;
};

describe("reading parameters as Rails does", () => {
  it("reads Rails booleans, blank as absent", () => {
    for (const yes of ["true", "True", "1", "on", "yes", "t", 1, true]) expect(readAsRails(Body, { sensitive: yes }), String(yes)).toEqual({ sensitive: true });
    for (const no of ["false", "0", "off", "no", "f", "N", 0, false]) expect(readAsRails(Body, { sensitive: no }), String(no)).toEqual({ sensitive: false });
    expect(readAsRails(Body, { sensitive: "", spoiler_text: "" })).toEqual({});
  });

  it("reads ids as text, and one id or many as a list", () => {
    expect(readAsRails(Body, { in_reply_to_id: 42, media_ids: 7 })).toEqual({ in_reply_to_id: "42", media_ids: ["7"] });
    expect(readAsRails(Body, { "types[]": ["mention", "follow"] })).toEqual({ types: ["mention", "follow"] });
  });

  it("nests form keys: poll[options], name[][field] and index hashes", () => {
    expect(readAsRails(Body, { "poll[options]": ["soup", "stew"], "poll[expires_in]": "600", "poll[multiple]": "on" })).toEqual({
      poll: { options: ["soup", "stew"], expires_in: 600, multiple: true },
    });
    expect(
      readAsRails(Body, {
        "keywords_attributes[][keyword]": "a",
        "keywords_attributes[][whole_word]": "1",
      }),
    ).toEqual({ keywords_attributes: [{ keyword: "a", whole_word: true }] });
    expect(readAsRails(Body, { "keywords_attributes[1][keyword]": "b", "keywords_attributes[0][keyword]": "a" })).toEqual({
      keywords_attributes: [{ keyword: "a" }, { keyword: "b" }],
    });
  });

  it("keeps null where a field may be null, and a blank form value there is null too", () => {
    expect(readAsRails(Body, { expires_in: null })).toEqual({ expires_in: null });
    expect(readAsRails(Body, { expires_in: "" })).toEqual({ expires_in: null });
    expect(readAsRails(Body, { in_reply_to_id: null })).toEqual({});
  });

  it("refuses what no reading makes fit, naming the field", () => {
    for (const bad of [{ in_reply_to_id: [1, 2] }, { in_reply_to_id: { $gt: 1 } }, { poll: { options: "a,b", expires_in: 60 } }, { expires_in: "soon" }]) {
      expect(validate(bad).error, JSON.stringify(bad)).toBeTruthy();
    }
    expect(validate({ status: "hi", media_ids: ["1", "2"] }).value).toEqual({ status: "hi", media_ids: ["1", "2"] });
  });

  it("never reaches a prototype: __proto__, constructor and prototype keys are dropped, every object stays clean", () => {
    const attacks = [
      { "__proto__[polluted]": "1" },
      { "constructor[prototype][polluted]": "1" },
      { "poll[__proto__][polluted]": "1" },
      { "keywords_attributes[][__proto__]": "1" },
      JSON.parse('{"__proto__": {"polluted": "1"}}') as Record<string, unknown>,
    ];
    for (const attack of attacks) {
      validate(attack);
      readAsRails(Body, attack);
      expect(({} as Record<string, unknown>).polluted, JSON.stringify(attack)).toBeUndefined();
    }
    // The honest neighbour still nests (control).
    expect(readAsRails(Body, { "poll[options]": ["a", "b"], "poll[expires_in]": "60" })).toEqual({ poll: { options: ["a", "b"], expires_in: 60 } });
  });
});
