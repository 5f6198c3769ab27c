import { describe, expect, it } from "vitest";
import { parseWebhookEvents, parseWebhookUrl, retryDelayMs, shouldDisable, WEBHOOK_EVENTS } from "../../src/domain/webhook.rules.ts";
import { sign, signatureHeaders } from "../../src/services/apps/webhook-signature.ts";

describe("webhook rules", () => {
  it("signs as the Standard Webhooks specification's own example", () => {
    // The example of https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const body = '{"test": 2432232314}';
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const two = signatureHeaders([secret, "whsec_" + Buffer.from("old").toString("base64")], "msg_1", 1, body)["webhook-signature"]!;
    expect(two.split(" ")).toHaveLength(2);
  });

  it("retries with doubling delays up to six hours, and disables after a day of failures", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(40, 30_000)).toBe(6 * 3600_000);
    const now = new Date("2026-12-01T12:00:00Z");
    expect(shouldDisable(null, now)).toBe(false);
    expect(shouldDisable(new Date("2026-11-30T13:00:00Z"), now)).toBe(false);
    expect(shouldDisable(new Date("2026-11-30T12:00:00Z"), now)).toBe(true);
  });

  it("validates events and URLs", () => {
    expect(parseWebhookEvents(undefined)).toEqual([...WEBHOOK_EVENTS]);
    expect(parseWebhookEvents(["task.created", "task.created"])).toEqual(["task.created"]);
    expect(() => parseWebhookEvents(["task.exploded"])).toThrow(/Unknown event/);
    expect(() => parseWebhookEvents("task.created")).toThrow(/non-empty list/);
    expect(parseWebhookUrl("https://crm.example/hooks")).toBe("https://crm.example/hooks");
    expect(() => parseWebhookUrl("file:///etc/passwd")).toThrow(/http or https/);
    expect(() => parseWebhookUrl("https://a:b@crm.example/")).toThrow(/credentials/);
  });
});
