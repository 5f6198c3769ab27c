// The one retry policy for outgoing deliveries. Fedify's queue uses it for
// every activity it carries, and the ForgeFed deliveries that travel as
// outbox rows (ADR 0007) ask it too, so a peer that is down for a weekend
// gets a task change exactly as long as it would get a post.
import { createExponentialBackoffPolicy, type RetryPolicy } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";

/** 30 s (configurable) doubling to a 6 h ceiling, 20 attempts ≈ 2.9 days in all. */
export function deliveryRetryPolicy(initialDelayMs: number): RetryPolicy {
  return createExponentialBackoffPolicy({
    initialDelay: { milliseconds: initialDelayMs },
    maxDelay: { hours: 6 },
    maxAttempts: 20,
  });
}

/** Thrown by a delivery that failed and should be tried again after `delayMs` (the policy's answer). */
export class RetryDeliveryLater extends Error {
  readonly delayMs: number;

  constructor(message: string, delayMs: number) {
    super(message);
    this.name = "RetryDeliveryLater";
    this.delayMs = delayMs;
  }
}

/**
 * When to try a failed delivery again, or null once the policy gives up.
 * `earlierAttempts` counts the failed tries before this one (0 after the
 * first failure), as Fedify's queue counts them.
 */
export function nextDeliveryDelayMs(policy: RetryPolicy, earlierAttempts: number): number | null {
  const delay = policy({ attempts: earlierAttempts, elapsedTime: Temporal.Duration.from({ seconds: 0 }) });
  return delay === null ? null : delay.total("millisecond");
}
