// A person sets their mail address and confirms it by the link the
// confirmation mail carries, as they would; only then is mail sent to them.
import { PASSWORD } from "./web-visitor.ts";
import { expect } from "vitest";
import { eventually, type TestInstance, type TestUser } from "./instances.ts";
import type { SmtpSink } from "./smtp-sink.ts";

export async function confirmEmailAddress(instance: TestInstance, user: TestUser, address: string, sink: SmtpSink): Promise<void> {
  expect((await instance.api(user.token, "PUT", "/api/ecotone/v1/account/email", { email: address, currentPassword: PASSWORD })).status).toBeLessThan(300);
  // Instances started without queue workers send mail only when drained.
  const confirm = await eventually(async () => {
    await instance.app.channels.drain();
    return sink.to(address).find((m) => m.subject.startsWith("Confirm"));
  });
  const token = /\/mail\/verify\?token=(\S+)/.exec(confirm!.text)![1]!;
  expect((await instance.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token })).status).toBe(200);
}
