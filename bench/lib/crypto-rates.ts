// The machine's own signature rates, measured in the same run as a scenario
// so figures can be reported as ratios (these machines are shared and noisy).
import { generateKeyPairSync, sign, verify } from "node:crypto";

function ratePerSecond(work: () => void, ms = 1000): number {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) {
    work();
    n++;
  }
  return n / (ms / 1000);
}

export function rsaRates(): { signPerSecond: number; verifyPerSecond: number } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const data = Buffer.from("(request-target): post /inbox\nhost: example\ndate: now\ndigest: SHA-256=abc");
  const signature = sign("sha256", data, privateKey);
  return {
    signPerSecond: ratePerSecond(() => sign("sha256", data, privateKey)),
    verifyPerSecond: ratePerSecond(() => verify("sha256", data, publicKey, signature)),
  };
}

export function ed25519VerifyRate(): number {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const data = Buffer.from("signature base");
  const signature = sign(null, data, privateKey);
  return ratePerSecond(() => verify(null, data, publicKey, signature));
}
