// Which inbox bodies make us forget a signer's cached key before Fedify
// verifies it (src/federation/inbox/self-delete.ts): only an account's Delete
// of itself, signed with a key on its own origin.
import { describe, expect, it } from "vitest";
import { selfDeleteSigner } from "../../src/federation/inbox/self-delete.ts";

const actor = "https://social.example/users/gone";
const signed = (keyId: string) =>
  new Headers({ signature: `keyId="${keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="x"` });

describe("selfDeleteSigner", () => {
  it("names the key of an account deleting itself (draft-cavage and RFC 9421 headers)", () => {
    expect(selfDeleteSigner({ type: "Delete", actor, object: actor }, signed(`${actor}#main-key`))).toBe(`${actor}#main-key`);
    const rfc9421 = new Headers({ "signature-input": `sig1=("@method" "@target-uri");keyid="${actor}#main-key";alg="rsa-v1_5-sha256"` });
    expect(selfDeleteSigner({ type: "Delete", actor: { id: actor }, object: { id: actor } }, rfc9421)).toBe(`${actor}#main-key`);
  });

  it("ignores a Delete of something else, another type, or a key on another origin", () => {
    expect(selfDeleteSigner({ type: "Delete", actor, object: `${actor}/statuses/1` }, signed(`${actor}#main-key`))).toBeNull();
    expect(selfDeleteSigner({ type: "Update", actor, object: actor }, signed(`${actor}#main-key`))).toBeNull();
    expect(selfDeleteSigner({ type: "Delete", actor, object: actor }, signed("https://evil.example/users/x#main-key"))).toBeNull();
    expect(selfDeleteSigner({ type: "Delete", actor, object: actor }, new Headers())).toBeNull();
    expect(selfDeleteSigner([{ type: "Delete", actor, object: actor }], signed(`${actor}#main-key`))).toBeNull();
  });
});
