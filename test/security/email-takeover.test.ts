// docs/security.md, finding 40: the address is a credential (a password reset
// goes to it), so an app's token with `write:accounts` — what every Mastodon
// client is given — must not move it. It did: the app set its own address,
// confirmed it, asked for a reset and set a password, locking the owner out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmEmailAddress } from "../helpers/mail-address.ts";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { PASSWORD } from "../helpers/web-visitor.ts";
import { setRole } from "../../src/services/accounts/user.service.ts";

let instance: TestInstance;
let smtp: SmtpSink;
let ada: TestUser;

beforeAll(async () => {
  smtp = await startSmtpSink();
  instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false });
  ada = await instance.user("ada");
  await confirmEmailAddress(instance, ada, "ada@acme.test", smtp);
});

afterAll(async () => {
  await instance?.close();
  await smtp?.close();
});

const setEmail = (body: Record<string, string>) => instance.api(ada.token, "PUT", "/api/ecotone/v1/account/email", body);

describe("changing an account's address through the API", () => {
  it("is refused to a token without the current password, or with a wrong one; the address stays", async () => {
    expect((await setEmail({ email: "thief@evil.test" })).status).toBe(422);
    const wrong = await setEmail({ email: "thief@evil.test", currentPassword: "guessed" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain("current password is wrong");
    await instance.app.channels.drain();
    expect(smtp.to("thief@evil.test")).toEqual([]);
    expect((await instance.api(ada.token, "GET", "/api/ecotone/v1/account/email")).body).toMatchObject({ email: "ada@acme.test", verified: true });
  });

  it("control: with the current password it moves, and the old address is told", async () => {
    const moved = await setEmail({ email: "ada@globex.test", currentPassword: PASSWORD });
    expect(moved.status).toBe(202);
    await instance.app.channels.drain();
    expect(smtp.to("ada@globex.test").map((m) => m.subject)).toEqual(["Confirm your email address for Ecotone"]);
    const notice = smtp.to("ada@acme.test").find((m) => m.subject.includes("is being changed"));
    expect(notice?.text).toContain("ada@globex.test");
  });
});

// Finding 41: the outgoing-mail log showed every mail whole to any admin
// token, `admin:read` included: a monitoring app's token could ask a reset for
// another admin, read the link from the log and take that account over.
describe("the outgoing-mail log", () => {
  it("shows a token the one-time links without their tokens, while the mail itself carries a working link", async () => {
    const monitor = await instance.user("monitor", { scopes: "read admin:read" });
    await setRole(instance.app.ctx, "monitor", "admin");
    const boss = await instance.user("boss");
    await setRole(instance.app.ctx, "boss", "admin");
    await confirmEmailAddress(instance, boss, "boss@acme.test", smtp);
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset-request", { login: "boss" })).status).toBeLessThan(300);
    await instance.app.channels.drain();

    const log = await instance.api(monitor.token, "GET", "/api/ecotone/v1/admin/mail");
    expect(log.status).toBe(200);
    const reset = log.body.items.find((m: { purpose: string }) => m.purpose === "reset");
    expect(reset.text).toContain("/password/reset?token=[hidden]");
    expect(JSON.stringify(log.body)).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
    const one = await instance.api(monitor.token, "GET", `/api/ecotone/v1/admin/mail/${reset.id}`);
    expect(JSON.stringify(one.body)).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);

    // Control: the person the mail was for gets the whole link.
    const sent = smtp.to("boss@acme.test").find((m) => m.subject.startsWith("Reset"));
    expect(sent?.text).toMatch(/\/password\/reset\?token=[A-Za-z0-9_-]{20,}/);
  });
});
