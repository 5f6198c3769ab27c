// Reply by email through our own SMTP listener: answering a notification mail
// posts the reply in the thread, without the quoted text and the signature.
// A forged reply address, another sender, and a mail loop are refused by the
// listener (the sender's server gets a 550) and nothing is posted.
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";

describe("reply by email", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;
  let inboundPort: number;
  let ada: TestUser;
  let bob: TestUser;
  let rootId: string;
  let replyTo: string;

  const send = (mail: { from: string; to: string; text: string; headers?: Record<string, string> }) =>
    nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true }).sendMail({ subject: "Re: your thread", ...mail });
  const thread = async () =>
    (await instance.api(ada.token, "GET", `/api/v1/statuses/${rootId}/context`)).body.descendants as Array<{ content: string; account: { acct: string } }>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    inboundPort = await freePort();
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false, inboundSmtpPort: inboundPort, replyDomain: "reply.acme.test" });
    ada = await instance.user("ada");
    bob = await instance.user("bob");
    await confirmEmailAddress(instance, bob, "bob@acme.test", smtp);

    rootId = (await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "Which supplier for the Q3 batteries?" })).body.id;
    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "Volta looks cheapest", in_reply_to_id: rootId });
    await instance.app.channels.drain();
    const mail = smtp.to("bob@acme.test").find((m) => m.subject.includes("replied"))!;
    replyTo = (mail.headers.get("reply-to") as { value: Array<{ address: string }> }).value[0]!.address;
  });
  afterAll(async () => {
    await instance?.close();
    await smtp.close();
  });

  it("posts the reply in the thread without the quote and signature", async () => {
    expect(replyTo).toMatch(/^r\+\d+\.\d+\.[0-9a-f]{20}@reply\.acme\.test$/);
    await send({
      from: "bob@acme.test",
      to: replyTo,
      text: "Agreed, let's order from Volta.\n\nOn Tue, 1 Dec 2026, Ecotone wrote:\n> Volta looks cheapest\n-- \nBob, purchasing",
    });
    const posts = await thread();
    const mine = posts.filter((p) => p.account.acct === "bob");
    expect(mine).toHaveLength(1);
    expect(mine[0]!.content).toContain("Agreed, let&#39;s order from Volta.");
    expect(mine[0]!.content).not.toContain("looks cheapest");
    expect(mine[0]!.content).not.toContain("purchasing");
  });

  it("refuses a forged address, another sender and a loop, posting nothing", async () => {
    const before = (await thread()).length;
    const forged = replyTo.replace(/\.([0-9a-f]{20})@/, (_m, mac: string) => `.${mac.slice(0, 19)}${mac.endsWith("0") ? "1" : "0"}@`);
    await expect(send({ from: "bob@acme.test", to: forged, text: "forged" })).rejects.toThrow(/550|Not a reply address/);
    await expect(send({ from: "mallory@evil.test", to: replyTo, text: "spoofed sender" })).rejects.toThrow(/550/);
    await expect(send({ from: "bob@acme.test", to: replyTo, text: "I am away", headers: { "Auto-Submitted": "auto-replied" } })).rejects.toThrow(/550/);
    await expect(send({ from: "bob@acme.test", to: replyTo, text: "> only a quote" })).rejects.toThrow(/550/);
    expect(await thread()).toHaveLength(before);
  });
});
