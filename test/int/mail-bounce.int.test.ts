// Bounces: every mail leaves with its own bounce address as envelope sender
// (b+<mail>.<mac>@<reply domain>), so a delivery status notification (RFC
// 3464, multipart/report) that comes back to our listener names the mail.
// A DSN saying the address failed marks it bounced: it gets no more mail
// until set again. A delay report, a report about another address and a
// made-up bounce address change nothing.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";

function dsn(to: string, recipient: string, action: "failed" | "delayed"): string {
  return [
    "From: Mail Delivery System <MAILER-DAEMON@mx.globex.test>",
    `To: ${to}`,
    "Subject: Undelivered Mail Returned to Sender",
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain",
    "",
    `Your message to ${recipient} could not be delivered.`,
    "",
    "--b1",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.globex.test",
    "",
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    action === "failed" ? "Status: 5.1.1" : "Status: 4.4.1",
    "",
    "--b1--",
    "",
  ].join("\r\n");
}

describe("bounces", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;
  let inboundPort: number;
  let bob: TestUser;
  let ada: TestUser;
  const send = (to: string, raw: string) =>
    nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true }).sendMail({ envelope: { from: "", to }, raw });
  const bounced = async () => (await instance.api(bob.token, "GET", "/api/ecotone/v1/account/email")).body.bounced as boolean;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    inboundPort = await freePort();
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false, inboundSmtpPort: inboundPort, replyDomain: "reply.acme.test" });
    bob = await instance.user("bob");
    ada = await instance.user("ada");
    await confirmEmailAddress(instance, bob, "bob@globex.test", smtp);
  });
  afterAll(async () => {
    await instance?.close();
    await smtp?.close();
  });

  it("marks the address bounced on a failure report for it, and mails it no more", async () => {
    const first = smtp.to("bob@globex.test")[0]!;
    expect(first.envelopeFrom).toMatch(/^b\+\d+\.[0-9a-f]{20}@reply\.acme\.test$/);

    // Forged, a delay, another address: refused or ignored, nothing marked.
    const forged = first.envelopeFrom.replace(/\.([0-9a-f])/, (_m, c: string) => `.${c === "0" ? "1" : "0"}`);
    await expect(send(forged, dsn(forged, "bob@globex.test", "failed"))).rejects.toThrow(/550/);
    await send(first.envelopeFrom, dsn(first.envelopeFrom, "bob@globex.test", "delayed"));
    await send(first.envelopeFrom, dsn(first.envelopeFrom, "someone-else@globex.test", "failed"));
    expect(await bounced()).toBe(false);

    await send(first.envelopeFrom, dsn(first.envelopeFrom, "bob@globex.test", "failed"));
    expect(await bounced()).toBe(true);

    const before = smtp.to("bob@globex.test").length;
    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "@bob are you there?" });
    await instance.app.channels.drain();
    expect(smtp.to("bob@globex.test")).toHaveLength(before);
    // The notification is still in the app.
    await eventually(async () => (await instance.api(bob.token, "GET", "/api/v1/notifications")).body.length === 1);
  });
});
