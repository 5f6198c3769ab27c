// Finding 54: a rule for a domain covers the domain and its subdomains on any
// port; a rule with a port covers that port only.
import { describe, expect, it } from "vitest";
import { isPeerAllowed, isPeerLimited, normalizeHost } from "../../src/domain/federation-policy.rules.ts";

const rules = (blocked: string[], limited: string[] = []) => ({
  mode: "open" as const,
  allowed: new Set<string>(),
  blocked: new Set(blocked.map(normalizeHost)),
  limited: new Set(limited.map(normalizeHost)),
});

describe("a blocked domain", () => {
  const policy = rules(["evil.example"]);
  it("is refused on its default port, and its subdomains on any port; others pass", () => {
    expect(isPeerAllowed(policy, "evil.example")).toBe(false);
    expect(isPeerAllowed(policy, "sub.evil.example")).toBe(false);
    expect(isPeerAllowed(policy, "sub.evil.example:8443")).toBe(false);
    expect(isPeerAllowed(policy, "friend.example:8443")).toBe(true);
    expect(isPeerAllowed(policy, "notevil.example")).toBe(true);
  });
  it("is refused on another port of the same host too", () => {
    expect(isPeerAllowed(policy, "evil.example:8443")).toBe(false);
    expect(isPeerAllowed(policy, "EVIL.example:8443")).toBe(false);
  });
  it("with a port, covers that port only", () => {
    const onePort = rules(["evil.example:8443"]);
    expect(isPeerAllowed(onePort, "evil.example:8443")).toBe(false);
    expect(isPeerAllowed(onePort, "evil.example")).toBe(true);
    expect(isPeerAllowed(onePort, "evil.example:9000")).toBe(true);
  });
  it("of one label (localhost) covers its ports", () => {
    expect(isPeerAllowed(rules(["localhost"]), "localhost:8443")).toBe(false);
  });
});

describe("a limited domain", () => {
  it("stays limited on another port", () => {
    const policy = rules([], ["big.example"]);
    expect(isPeerLimited(policy, "big.example:8443")).toBe(true);
    expect(isPeerLimited(policy, "small.example:8443")).toBe(false);
  });
});
