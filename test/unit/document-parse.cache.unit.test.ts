// Actor and key documents parsed once per process (src/federation/document-parse.cache.ts):
// the same text is parsed once and answers as a fresh parse would, a changed
// document is parsed anew, and a document whose contexts are not Fedify's
// preloaded ones (its expansion could fetch) is parsed every time.
import { generateCryptoKeyPair } from "@fedify/fedify";
import { CryptographicKey, Object as APObject, Person } from "@fedify/vocab";
import { beforeAll, describe, expect, it } from "vitest";
import { documentParses, installDocumentParseCache } from "../../src/federation/document-parse.cache.ts";

const uri = "https://peer.example/users/erin";

async function actorDocument(keyFragment: string): Promise<Record<string, unknown>> {
  const { publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  const person = new Person({
    id: new URL(uri),
    preferredUsername: "erin",
    inbox: new URL(`${uri}/inbox`),
    publicKey: new CryptographicKey({ id: new URL(`${uri}#${keyFragment}`), owner: new URL(uri), publicKey }),
  });
  return (await person.toJsonLd({ format: "compact" })) as Record<string, unknown>;
}

/** What a document loader hands Fedify: a fresh copy of the served text. */
const served = (document: unknown) => JSON.parse(JSON.stringify(document)) as unknown;

describe("the document parse cache", () => {
  beforeAll(() => installDocumentParseCache());

  it("parses an actor document once, and each caller gets the same actor with its own loader", async () => {
    // A property Fedify does not model: only the document as served keeps it.
    const document = { ...(await actorDocument("main-key")), "https://peer.example/ns#mood": "fine" };
    const before = documentParses();
    const loaderA = async (url: string) => ({ contextUrl: null, document: {}, documentUrl: url });
    const loaderB = async (url: string) => ({ contextUrl: null, document: {}, documentUrl: url });
    const first = await APObject.fromJsonLd(served(document), { documentLoader: loaderA, baseUrl: new URL(uri) });
    const second = await APObject.fromJsonLd(served(document), { documentLoader: loaderB, baseUrl: new URL(uri) });
    expect(documentParses() - before).toBe(1);
    expect(second).toBeInstanceOf(Person);
    expect(second).not.toBe(first);
    expect((second as Person).publicKeyIds.map(String)).toEqual([`${uri}#main-key`]);
    expect((second as Person).preferredUsername).toBe("erin");
    expect(await second.toJsonLd({ format: "compact" })).toEqual(await first.toJsonLd({ format: "compact" }));
    // As a fresh parse: toJsonLd() answers with the document as served, a copy of its own.
    const served2 = (await second.toJsonLd()) as Record<string, unknown>;
    expect(served2).toEqual(document);
    expect(served2).not.toBe(await first.toJsonLd());
  });

  it("parses a changed document anew: a replaced key is never answered with the old one", async () => {
    const before = documentParses();
    await APObject.fromJsonLd(served(await actorDocument("key-1")));
    const replaced = (await APObject.fromJsonLd(served(await actorDocument("key-2")))) as Person;
    expect(documentParses() - before).toBe(2);
    expect(replaced.publicKeyIds.map(String)).toEqual([`${uri}#key-2`]);
  });

  it("parses a stored key once", async () => {
    const { publicKey } = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    const stored = await new CryptographicKey({ id: new URL(`${uri}#main-key`), owner: new URL(uri), publicKey }).toJsonLd();
    const before = documentParses();
    const keys = await Promise.all([1, 2, 3].map(() => CryptographicKey.fromJsonLd(served(stored))));
    expect(documentParses() - before).toBe(1);
    for (const key of keys) expect(key.ownerId?.href).toBe(uri);
  });

  it("parses every time a document whose context is not preloaded, or that is no actor", async () => {
    const document = await actorDocument("main-key");
    const remoteContext = { ...document, "@context": [...(document["@context"] as unknown[]), "https://peer.example/context.jsonld"] };
    const note = { "@context": "https://www.w3.org/ns/activitystreams", id: "https://peer.example/notes/1", type: "Note", content: "hi" };
    const before = documentParses();
    for (let i = 0; i < 2; i++) {
      await APObject.fromJsonLd(served(remoteContext), {
        contextLoader: async (url: string) => ({ contextUrl: null, document: { "@context": {} }, documentUrl: url }),
      });
      await APObject.fromJsonLd(served(note));
    }
    expect(documentParses()).toBe(before);
  });
});
