// Email on one instance, sent through a real SMTP server on loopback:
// verified addresses, notification mail batched per thread with a one-click
// unsubscribe, password reset links, and the kept outbox without SMTP.
import { PASSWORD } from "../helpers/web-visitor.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { setRole, verifyCredentials } from "../../src/services/accounts/user.service.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";

const linkIn = (text: string, path: string) => {
  const match = new RegExp(`https?://[^\\s]+${path.replace("/", "\\/")}\\?token=([^\\s&]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return { url: match[0], token: decodeURIComponent(match[1]!) };
};

describe("email through SMTP", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    // Workers off: the test runs the mail worker itself (app.channels.drain), so nothing depends on timing.
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false });
    ada = await instance.user("ada");
    bob = await instance.user("bob");
  });
  afterAll(async () => {
    await instance.close();
    await smtp.close();
  });

  async function verifiedAddress(user: TestUser, address: string) {
    expect((await instance.api(user.token, "PUT", "/api/ecotone/v1/account/email", { email: address, currentPassword: PASSWORD })).status).toBe(202);
    await instance.app.channels.drain();
    const [mail] = smtp.to(address).filter((m) => m.subject.startsWith("Confirm"));
    expect(mail).toBeDefined();
    expect(mail!.html).toContain("Confirm my address");
    const { token } = linkIn(mail!.text, "/mail/verify");
    expect((await instance.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token })).status).toBe(200);
    return token;
  }

  it("mails only a verified address, and a confirmation link works once", async () => {
    expect((await instance.api(ada.token, "PUT", "/api/ecotone/v1/account/email", { email: "not an address", currentPassword: PASSWORD })).status).toBe(422);
    expect((await instance.api(ada.token, "GET", "/api/ecotone/v1/account/email")).body).toEqual({
      email: null,
      verified: false,
      bounced: false,
      hasPassword: true,
    });

    await instance.api(ada.token, "PUT", "/api/ecotone/v1/account/email", { email: "ada@acme.test", currentPassword: PASSWORD });
    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada are you there?" });
    await instance.app.channels.drain();
    // The confirmation, and no notification: the address is not proven yet.
    expect(smtp.to("ada@acme.test").map((m) => m.subject)).toEqual(["Confirm your email address for Ecotone"]);

    const token = linkIn(smtp.to("ada@acme.test")[0]!.text, "/mail/verify").token;
    expect((await instance.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token })).status).toBe(200);
    expect((await instance.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token })).status).toBe(422);
    expect((await instance.api(ada.token, "GET", "/api/ecotone/v1/account/email")).body).toMatchObject({ email: "ada@acme.test", verified: true });

    await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "@ada now you get mail" });
    await instance.app.channels.drain();
    const mentions = smtp.to("ada@acme.test").filter((m) => m.subject.includes("mentioned you"));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]!.text).toContain("now you get mail");
    expect(mentions[0]!.html).toContain("now you get mail");
  });

  it("sends one mail for a busy thread, and its one-click unsubscribe stops that kind", async () => {
    await verifiedAddress(bob, "bob@acme.test");
    const root = await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "Kick-off for the Q3 plan" });
    for (const text of ["First thought", "Second thought", "Third thought"]) {
      expect((await instance.api(ada.token, "POST", "/api/v1/statuses", { status: text, in_reply_to_id: root.body.id })).status).toBe(200);
    }
    await instance.app.channels.drain();
    const replies = smtp.to("bob@acme.test").filter((m) => !m.subject.startsWith("Confirm"));
    expect(replies).toHaveLength(1);
    const mail = replies[0]!;
    expect(mail.subject).toContain("3 new notifications");
    for (const text of ["First thought", "Second thought", "Third thought"]) expect(mail.text).toContain(text);
    expect(mail.text).toContain("/settings/notifications");
    // Unfolded: a long header continues on lines that start with white space.
    const head = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, "");
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const unsubscribe = /^List-Unsubscribe: ?<([^>]+)>$/m.exec(head)?.[1];
    if (!unsubscribe) throw new Error(`no List-Unsubscribe in:\n${head}`);

    // A token whose kind was changed (the signature covers it) changes nothing.
    expect(unsubscribe).toContain(".reply.");
    const forged = await fetch(unsubscribe.replace(".reply.", ".mention."), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(forged.status).toBe(422);
    expect((await instance.api(bob.token, "GET", "/api/ecotone/v1/notification-preferences")).body.email).toMatchObject({ reply: true, mention: true });

    // What a mail client does for RFC 8058.
    const oneClick = await fetch(unsubscribe, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    const prefs = (await instance.api(bob.token, "GET", "/api/ecotone/v1/notification-preferences")).body.email;
    expect(prefs).toMatchObject({ reply: false, mention: true });

    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "Fourth thought", in_reply_to_id: root.body.id });
    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "@bob a plain mention" });
    await instance.app.channels.drain();
    const after = smtp.to("bob@acme.test").filter((m) => !m.subject.startsWith("Confirm"));
    expect(after).toHaveLength(2);
    expect(after[1]!.text).toContain("a plain mention");
    expect(after[1]!.text).not.toContain("Fourth thought");
  });

  it("names no thread its reader may not see: mentions in direct replies to a followers-only post", async () => {
    const olga = await instance.user("olga");
    const carol = await instance.user("carol2");
    const dave = await instance.user("dave");
    await verifiedAddress(dave, "dave@acme.test");
    const olgaId = (await instance.api(carol.token, "GET", "/api/v1/accounts/lookup?acct=olga")).body.id;
    await instance.api(carol.token, "POST", `/api/v1/accounts/${olgaId}/follow`);
    const root = await instance.api(olga.token, "POST", "/api/v1/statuses", { status: "Acquisition of Umbrella, for followers", visibility: "private" });
    for (const text of ["have a look", "and this too"]) {
      const reply = await instance.api(carol.token, "POST", "/api/v1/statuses", {
        status: `@dave ${text}`,
        in_reply_to_id: root.body.id,
        visibility: "direct",
      });
      expect(reply.status).toBe(200);
    }
    await instance.app.channels.drain();
    const mails = smtp.to("dave@acme.test").filter((m) => !m.subject.startsWith("Confirm"));
    expect(mails).toHaveLength(1);
    // The thread is named (control: "2 new notifications in …"), but not by a root Dave may not read.
    expect(mails[0]!.subject).toContain("2 new notifications in a thread");
    expect(mails[0]!.subject + mails[0]!.text).not.toContain("Acquisition");
    expect(mails[0]!.text).toContain("have a look");
  });

  it("lets a person choose per kind, refusing unknown kinds", async () => {
    const bad = await instance.api(bob.token, "PUT", "/api/ecotone/v1/notification-preferences", { email: { sparkles: false } });
    expect(bad.status).toBe(422);
    expect((await instance.api(bob.token, "GET", "/api/ecotone/v1/notification-preferences")).body.email.reply).toBe(false);
    const ok = await instance.api(bob.token, "PUT", "/api/ecotone/v1/notification-preferences", { email: { reply: true, join_request: false } });
    expect(ok.status).toBe(200);
    expect(ok.body.email).toMatchObject({ reply: true, join_request: false, mention: true });
  });

  it("resets a password by a link that works once and expires with the next", async () => {
    const carol = await instance.user("carol");
    await verifiedAddress(carol, "carol@acme.test");
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset-request", { login: "nobody-here" })).status).toBe(202);
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset-request", { login: "carol@acme.test" })).status).toBe(202);
    await instance.app.channels.drain();
    const resets = smtp.to("carol@acme.test").filter((m) => m.subject.startsWith("Reset"));
    expect(resets).toHaveLength(1);
    const { token } = linkIn(resets[0]!.text, "/password/reset");

    // Too weak: refused, and the link still works.
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset", { token, password: "short" })).status).toBe(422);
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset", { token, password: "a brand new long password" })).status).toBe(200);
    expect(await verifyCredentials(instance.app.ctx, "carol", "a brand new long password")).not.toBeNull();
    expect(await verifyCredentials(instance.app.ctx, "carol", "correct horse battery staple")).toBeNull();
    // The old token was revoked with the password change; the link is used up.
    expect((await instance.api(carol.token, "GET", "/api/ecotone/v1/me")).status).toBe(401);
    expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset", { token, password: "yet another long password" })).status).toBe(422);
    expect(await verifyCredentials(instance.app.ctx, "carol", "a brand new long password")).not.toBeNull();

    // Throttled: three links an hour; the answer stays the same.
    for (let i = 0; i < 3; i++) expect((await instance.api(null, "POST", "/api/ecotone/v1/password/reset-request", { login: "carol" })).status).toBe(202);
    await instance.app.channels.drain();
    expect(smtp.to("carol@acme.test").filter((m) => m.subject.startsWith("Reset"))).toHaveLength(3);
  });

  it("marks an address whose server refuses it, and stops mailing it", async () => {
    const dan = await instance.user("dan");
    await verifiedAddress(dan, "dan@acme.test");
    smtp.refuse("dan@acme.test");
    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "@dan hello" });
    await instance.app.channels.drain();
    expect((await instance.api(dan.token, "GET", "/api/ecotone/v1/account/email")).body).toMatchObject({ verified: true, bounced: true });
  });
});

describe("invitations by email", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false });
  });
  afterAll(async () => {
    await instance.close();
    await smtp.close();
  });

  it("mails a one-time invitation link that opens the join page", async () => {
    const admin = await instance.user("root", { scopes: "read write admin:write" });
    await setRole(instance.app.ctx, "root", "admin");
    const member = await instance.user("mia", { scopes: "read write admin:write" });
    expect((await instance.api(member.token, "POST", "/api/ecotone/v1/admin/invitations", { email: "x@supplier.test" })).status).toBe(403);
    expect((await instance.api(admin.token, "POST", "/api/ecotone/v1/admin/invitations", { email: "not-mail" })).status).toBe(422);
    const sent = await instance.api(admin.token, "POST", "/api/ecotone/v1/admin/invitations", { email: "sam@supplier.test", audience: "supplier" });
    expect(sent.status).toBe(201);
    await instance.app.channels.drain();
    expect(smtp.mails.map((m) => m.to)).toEqual([["sam@supplier.test"]]);
    const link = /https?:\/\/\S+\/join\/[\w-]+/.exec(smtp.mails[0]!.text)![0];
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("root");
  });
});

describe("digests", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false });
  });
  afterAll(async () => {
    await instance.close();
    await smtp.close();
  });

  it("lists what happened in your groups once per local day, and its unsubscribe stops it", async () => {
    const olga = await instance.user("olga");
    const pia = await instance.user("pia");
    await confirmEmailAddress(instance, pia, "pia@acme.test", smtp);
    await instance.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "buyers", name: "Buyers" });
    await instance.api(pia.token, "POST", "/api/ecotone/v1/groups/buyers/join");
    const root = await instance.api(olga.token, "POST", "/api/ecotone/v1/posts", { group: "buyers", content: "Battery tender opens Monday" });
    expect(root.status).toBe(201);
    await instance.api(olga.token, "POST", "/api/v1/statuses", { status: "Deadline is the 12th", in_reply_to_id: root.body.id });

    const bad = await instance.api(pia.token, "PUT", "/api/ecotone/v1/notification-preferences", { digest: { frequency: "daily", timeZone: "Mars/Olympus" } });
    expect(bad.status).toBe(422);
    // Hour 0 of the person's own zone has always passed today: the digest is due now.
    const set = await instance.api(pia.token, "PUT", "/api/ecotone/v1/notification-preferences", {
      digest: { frequency: "daily", timeZone: "Asia/Tokyo", hour: 0 },
    });
    expect(set.body.digest).toEqual({ frequency: "daily", timeZone: "Asia/Tokyo", hour: 0 });
    await instance.app.channels.drain();
    await instance.app.channels.drain();
    const digests = smtp.to("pia@acme.test").filter((m) => m.subject.includes("digest"));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text).toContain("Battery tender opens Monday");
    expect(digests[0]!.text).toContain("1 new reply");
    expect(digests[0]!.html).toContain("Battery tender opens Monday");

    const head = digests[0]!.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, "");
    const unsubscribe = /^List-Unsubscribe: ?<([^>]+)>$/m.exec(head)![1]!;
    expect(
      (await fetch(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } }))
        .status,
    ).toBe(200);
    expect((await instance.api(pia.token, "GET", "/api/ecotone/v1/notification-preferences")).body.digest.frequency).toBe("off");
  });
});

describe("email without SMTP", () => {
  let instance: TestInstance;

  beforeAll(async () => {
    instance = await startInstance({ mailBatchMs: 0, runQueueWorkers: false });
  });
  afterAll(() => instance.close());

  it("keeps every mail for the admins' Outgoing mail page", async () => {
    const admin = await instance.user("root", { scopes: "read write admin:read" });
    await setRole(instance.app.ctx, "root", "admin");
    const eve = await instance.user("eve");
    await instance.api(eve.token, "PUT", "/api/ecotone/v1/account/email", { email: "eve@acme.test", currentPassword: PASSWORD });
    await instance.app.channels.drain();
    const list = await instance.api(admin.token, "GET", "/api/ecotone/v1/admin/mail");
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ to_address: "eve@acme.test", status: "kept", purpose: "verify" });
    // A token reads the log without the links' tokens (finding 41).
    expect(list.body.items[0].text).toContain("/mail/verify?token=[hidden]");
    expect(JSON.stringify(list.body)).not.toMatch(/token=[A-Za-z0-9_-]{20,}/);
    expect((await instance.api(eve.token, "GET", "/api/ecotone/v1/admin/mail")).status).toBe(403);
  });
});
