// Private keys imported once per process (src/federation/key-import.cache.ts):
// Fedify's delivery listener imports the sender's JWK for every delivery;
// with the cache, the same key is imported once, a rotated key is never
// answered with the old one, and public keys are not cached at all.
import { importJwk } from "@fedify/fedify";
import { beforeAll, describe, expect, it } from "vitest";
import { installKeyImportCache, privateKeyImports } from "../../src/federation/key-import.cache.ts";
import { generateActorKeyPairs } from "../../src/services/keys.ts";

const data = new TextEncoder().encode("POST /inbox");

async function signs(privateKey: CryptoKey, publicJwk: JsonWebKey): Promise<boolean> {
  const publicKey = await importJwk(publicJwk, "public");
  const algorithm = privateKey.algorithm.name === "Ed25519" ? "Ed25519" : "RSASSA-PKCS1-v1_5";
  const signature = await crypto.subtle.sign(algorithm, privateKey, data);
  return crypto.subtle.verify(algorithm, publicKey, signature, data);
}

describe("the private-key import cache", () => {
  beforeAll(() => installKeyImportCache());

  it("imports a sender's key once for any number of deliveries, and the key still signs", async () => {
    const keys = await generateActorKeyPairs();
    const before = privateKeyImports();
    // What Fedify's outbox listener does per delivery: a fresh copy of the JWK from the queued message.
    const imported = await Promise.all(Array.from({ length: 20 }, () => importJwk(JSON.parse(JSON.stringify(keys.rsa.privateJwk)), "private")));
    expect(privateKeyImports() - before).toBe(1);
    expect(new Set(imported).size).toBe(1);
    expect(await signs(imported[0]!, keys.rsa.publicJwk)).toBe(true);
    const ed = await importJwk(keys.ed25519.privateJwk, "private");
    expect(await importJwk({ ...keys.ed25519.privateJwk }, "private")).toBe(ed);
    expect(await signs(ed, keys.ed25519.publicJwk)).toBe(true);
  });

  it("never answers a rotated key with the old one", async () => {
    const old = await generateActorKeyPairs();
    const rotated = await generateActorKeyPairs();
    const oldKey = await importJwk(old.rsa.privateJwk, "private");
    // The same actor and key id after a rotation: only the key material differs.
    const newKey = await importJwk(rotated.rsa.privateJwk, "private");
    expect(newKey).not.toBe(oldKey);
    expect(await signs(newKey, rotated.rsa.publicJwk)).toBe(true);
    expect(await signs(newKey, old.rsa.publicJwk)).toBe(false);
    // A message still carrying the old key gets exactly that key, as without the cache.
    expect(await signs(await importJwk(old.rsa.privateJwk, "private"), old.rsa.publicJwk)).toBe(true);
  });

  it("keeps keys asked for with other usages or extractability apart", async () => {
    const keys = await generateActorKeyPairs();
    const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const extractable = await crypto.subtle.importKey("jwk", keys.rsa.privateJwk, algorithm, true, ["sign"]);
    const sealed = await crypto.subtle.importKey("jwk", keys.rsa.privateJwk, algorithm, false, ["sign"]);
    expect(sealed).not.toBe(extractable);
    expect(sealed.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", sealed)).rejects.toThrow();
    expect((await crypto.subtle.exportKey("jwk", extractable)).d).toBe(keys.rsa.privateJwk.d);
  });

  it("does not cache public keys, and reports a bad private key every time", async () => {
    const keys = await generateActorKeyPairs();
    const before = privateKeyImports();
    const a = await importJwk(keys.rsa.publicJwk, "public");
    const b = await importJwk(keys.rsa.publicJwk, "public");
    expect(a).not.toBe(b);
    expect(privateKeyImports()).toBe(before);
    const broken = { ...keys.rsa.privateJwk, n: "%%not-base64url%%" };
    await expect(importJwk(broken, "private")).rejects.toThrow();
    await expect(importJwk(broken, "private")).rejects.toThrow();
    expect(privateKeyImports() - before).toBe(2);
  });
});
