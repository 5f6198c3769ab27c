// The channel pages in the web interface: a person sets and confirms an
// address and picks which mail they get; a forgotten password is reset from
// the mailed link; an admin reads the kept mail on the Outgoing mail page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";
import { setRole } from "../../src/services/accounts/user.service.ts";

describe("channel pages", () => {
  let instance: TestInstance;

  beforeAll(async () => {
    // No SMTP: mail is kept, and the test reads it from the admin's API.
    instance = await startInstance({ mailBatchMs: 0, runQueueWorkers: false });
  });
  afterAll(() => instance.close());

  /** The mail as it was kept for delivery (no SMTP here): what its recipient would get. */
  async function keptMail(subjectStart: string, to: string): Promise<string> {
    await instance.app.channels.drain();
    const kept = await instance.app.ctx.db
      .selectFrom("mail_outbox")
      .select(["subject", "text_body"])
      .where("to_address", "=", to)
      .orderBy("id", "desc")
      .execute();
    const mail = kept.find((m) => m.subject.startsWith(subjectStart));
    if (!mail) throw new Error(`no "${subjectStart}" mail to ${to}`);
    return mail.text_body;
  }

  it("sets, confirms and uses an address and the preferences", async () => {
    await instance.user("ada");
    const web = new Visitor(instance.origin);
    await web.signIn("ada");
    const page = await web.get("/settings/notifications");
    expect(page.status).toBe(200);
    expect(page.text_).toContain("No address yet.");

    expect(await web.flashAfter(await web.post("/settings/email", { email: "nope" }))).toContain("is not an email address");
    expect(page.text_).toContain('autocomplete="current-password"');
    expect(await web.flashAfter(await web.post("/settings/email", { email: "ada@acme.test" }))).toContain("current password");
    expect(await web.flashAfter(await web.post("/settings/email", { email: "ada@acme.test", current_password: "not it" }))).toContain(
      "current password is wrong",
    );
    expect(await web.flashAfter(await web.post("/settings/email", { email: "ada@acme.test", current_password: PASSWORD }))).toContain("confirmation link");
    const token = /\/mail\/verify\?token=(\S+)/.exec(await keptMail("Confirm", "ada@acme.test"))![1]!;
    const confirmed = await new Visitor(instance.origin).get(`/mail/verify?token=${token}`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text_).toContain("Address confirmed");
    expect((await new Visitor(instance.origin).get(`/mail/verify?token=${token}`)).status).toBe(422);

    await web.get("/settings/notifications");
    expect(web.lastPage).toContain("Confirmed.");
    // Only "mention" stays checked.
    expect(await web.flashAfter(await web.post("/settings/notifications", { mention: "true" }))).toContain("saved");
    const after = await web.get("/settings/notifications");
    expect(after.text_).toMatch(/name="mention" type="checkbox" value="true" checked/);
    expect(after.text_).not.toMatch(/name="reply" type="checkbox" value="true" checked/);

    expect(await web.flashAfter(await web.post("/settings/digest", { frequency: "weekly", timeZone: "Nowhere/City", hour: "8" }))).toContain("not a time zone");
    expect(await web.flashAfter(await web.post("/settings/digest", { frequency: "weekly", timeZone: "Europe/Paris", hour: "8" }))).toContain("Digest saved");
    expect((await web.get("/settings/notifications")).text_).toContain('<option value="weekly" selected>');
  });

  it("resets a forgotten password from the mailed link", async () => {
    const bob = await instance.user("bob");
    await instance.api(bob.token, "PUT", "/api/ecotone/v1/account/email", { email: "bob@acme.test", currentPassword: PASSWORD });
    const token = /\/mail\/verify\?token=(\S+)/.exec(await keptMail("Confirm", "bob@acme.test"))![1]!;
    await instance.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token });

    const web = new Visitor(instance.origin);
    expect((await web.get("/sign-in")).text_).toContain('href="/password/forgot"');
    await web.get("/password/forgot");
    const asked = await web.post("/password/forgot", { login: "bob" }, false);
    expect(await asked.text()).toContain("Check your mail");
    const reset = /\/password\/reset\?token=(\S+)/.exec(await keptMail("Reset", "bob@acme.test"))![1]!;
    await web.get(`/password/reset?token=${reset}`);
    const weak = await web.post("/password/reset", { token: reset, password: "short" }, false);
    expect(weak.status).toBe(422);
    const done = await web.post("/password/reset", { token: reset, password: "a new and long password" }, false);
    expect(await done.text()).toContain("Password changed");
    const signIn = await new Visitor(instance.origin).signIn("bob", "a new and long password");
    expect(signIn.status).toBe(303);
    expect((await new Visitor(instance.origin).signIn("bob", PASSWORD)).status).toBe(401);
  });

  it("shows admins the outgoing mail, and nobody else", async () => {
    await instance.user("carol");
    await setRole(instance.app.ctx, "carol", "admin");
    const admin = new Visitor(instance.origin);
    await admin.signIn("carol");
    const page = await admin.get("/admin/mail");
    expect(page.status).toBe(200);
    expect(page.text_).toContain("ada@acme.test");
    expect(page.text_).toContain("kept");
    const id = /href="\/admin\/mail\/(\d+)"/.exec(page.text_)![1]!;
    // Kept mail (no SMTP server) reaches people only through this page: an
    // admin signed in to the web sees its links whole; a token sees them
    // without their tokens (finding 41).
    expect((await admin.get(`/admin/mail/${id}`)).text_).toMatch(/token=[A-Za-z0-9_-]{20,}/);

    const member = new Visitor(instance.origin);
    await member.signIn("ada");
    expect((await member.get("/admin/mail")).status).toBe(403);
  });
});
