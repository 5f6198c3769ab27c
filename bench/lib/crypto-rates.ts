// This machine's own signature rates, measured in the same run as a scenario
// so figures can be given as ratios (the machines are shared and noisy).
// One core: node:crypto's synchronous sign/verify in a loop. The WebCrypto
// figure (crypto.subtle, awaited one at a time) is what Fedify calls; it adds
// the hop to libuv's thread pool.
import { generateKeyPairSync, sign, verify, webcrypto } from "node:crypto";

function ratePerSecond(work: () => void, ms: number): number {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) {
    work();
    n++;
  }
  return n / (ms / 1000);
}

async function asyncRatePerSecond(work: () => Promise<unknown>, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) {
    await work();
    n++;
  }
  return n / (ms / 1000);
}

const DATA = Buffer.from(
  '"@method": POST\n"@target-uri": https://ecotone.example/inbox\n"@authority": ecotone.example\n"date": Mon, 23 Nov 2026 08:00:00 GMT\n"content-digest": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
);

export interface CryptoRates {
  rsaSignPerSecond: number;
  rsaVerifyPerSecond: number;
  rsaSubtleSignPerSecond: number;
  rsaSubtleVerifyPerSecond: number;
  ed25519VerifyPerSecond: number;
}

export async function cryptoRates(ms = 1000): Promise<CryptoRates> {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsaSignature = sign("sha256", DATA, rsa.privateKey);
  const ed = generateKeyPairSync("ed25519");
  const edSignature = sign(null, DATA, ed.privateKey);
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const subtlePrivate = await webcrypto.subtle.importKey("pkcs8", rsa.privateKey.export({ type: "pkcs8", format: "der" }), algorithm, false, ["sign"]);
  const subtlePublic = await webcrypto.subtle.importKey("spki", rsa.publicKey.export({ type: "spki", format: "der" }), algorithm, false, ["verify"]);
  return {
    rsaSignPerSecond: ratePerSecond(() => sign("sha256", DATA, rsa.privateKey), ms),
    rsaVerifyPerSecond: ratePerSecond(() => verify("sha256", DATA, rsa.publicKey, rsaSignature), ms),
    rsaSubtleSignPerSecond: await asyncRatePerSecond(() => webcrypto.subtle.sign("RSASSA-PKCS1-v1_5", subtlePrivate, DATA), ms),
    rsaSubtleVerifyPerSecond: await asyncRatePerSecond(() => webcrypto.subtle.verify("RSASSA-PKCS1-v1_5", subtlePublic, rsaSignature, DATA), ms),
    ed25519VerifyPerSecond: ratePerSecond(() => verify(null, DATA, ed.publicKey, edSignature), ms),
  };
}
