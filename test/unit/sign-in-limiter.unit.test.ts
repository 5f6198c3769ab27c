// The guessing limiter (src/services/accounts/sign-in-limiter.ts): reservations are
// atomic, successes give theirs back, a sprayed password hits the
// per-address limit, and the state stays bounded.
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, MAX_ATTEMPTS_PER_ADDRESS, reserveAttempt, trackedKeys } from "../../src/services/accounts/sign-in-limiter.ts";

describe("reserveAttempt", () => {
  it("gives out MAX_ATTEMPTS reservations per username and address, then none; other usernames are unaffected", () => {
    const granted = Array.from({ length: 30 }, () => reserveAttempt("Victim", "198.51.100.1")).filter(Boolean);
    expect(granted).toHaveLength(MAX_ATTEMPTS);
    expect(reserveAttempt(" victim ", "198.51.100.1")).toBeNull();
    expect(reserveAttempt("victim", "198.51.100.2")).not.toBeNull();
    expect(reserveAttempt("someone-else", "198.51.100.1")).not.toBeNull();
  });

  it("takes a released reservation back", () => {
    for (let i = 0; i < 3 * MAX_ATTEMPTS; i++) {
      const reservation = reserveAttempt("honest", "198.51.100.3");
      expect(reservation).not.toBeNull();
      reservation!.release();
    }
  });

  it("stops one address spraying a password over many usernames", () => {
    const granted = Array.from({ length: MAX_ATTEMPTS_PER_ADDRESS + 20 }, (_, i) => reserveAttempt(`user${i}`, "198.51.100.4")).filter(Boolean);
    expect(granted).toHaveLength(MAX_ATTEMPTS_PER_ADDRESS);
    expect(reserveAttempt("fresh-name", "198.51.100.5")).not.toBeNull();
  });

  it("holds at most 100,000 keys, however many names are tried", () => {
    for (let i = 0; i < 60_000; i++) reserveAttempt(`n${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(trackedKeys()).toBeLessThanOrEqual(100_000);
  });
});
