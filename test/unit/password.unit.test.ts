// Password hashing (src/services/accounts/password.ts): today's parameters, old hashes
// recognised for rehashing, absurd stored parameters refused, and a bounded
// queue in front of the hasher.
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { needsRehash, verifyPassword } from "../../src/services/accounts/password.ts";

function hashWith(password: string, n: number): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: n, r: 8, p: 1, maxmem: 256 * n * 8 });
  return `scrypt$${n}$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

describe("password hashes", () => {
  it("asks for a rehash of anything weaker than N=2^17, r=8, p=1, and of unreadable hashes", () => {
    expect(needsRehash(hashWith("pw", 2 ** 10))).toBe(true);
    expect(needsRehash("scrypt$131072$8$1$c2FsdA==$aGFzaA==")).toBe(false);
    expect(needsRehash("bcrypt$whatever")).toBe(true);
  });

  it("refuses a stored hash whose parameters would take gigabytes, without computing it", async () => {
    expect(await verifyPassword("pw", "scrypt$1073741824$8$1$c2FsdA==$aGFzaA==")).toBe(false);
  });

  it("queues at most 64 hashes behind the 2 running; the rest are refused at once with 503", async () => {
    const stored = hashWith("pw", 2 ** 10);
    const results = await Promise.allSettled(Array.from({ length: 70 }, () => verifyPassword("pw", stored)));
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(4);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: "unavailable" });
    expect(results.filter((r) => r.status === "fulfilled" && r.value === true)).toHaveLength(66);
    // Once the queue drained, hashing works again.
    expect(await verifyPassword("pw", stored)).toBe(true);
  });
});
