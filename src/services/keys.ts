// Actor key pairs, generated once per actor and kept forever: RSA-2048 for
// draft-cavage signatures (RSA-4096 signs ~7x slower for no benefit peers
// use) and Ed25519 for RFC 9421 signatures and object proofs.
export interface JwkPair {
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
}

export interface ActorKeyMaterial {
  rsa: JwkPair;
  ed25519: JwkPair;
}

async function exportPair(pair: CryptoKeyPair): Promise<JwkPair> {
  return {
    publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey),
    privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey),
  };
}

export async function generateActorKeyPairs(): Promise<ActorKeyMaterial> {
  const rsa = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed25519 = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  return { rsa: await exportPair(rsa), ed25519: await exportPair(ed25519) };
}
