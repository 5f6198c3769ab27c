// Between two real instances: a mention written on another company's
// instance reaches the person's mail inbox once, through a real SMTP server,
// and answering that mail puts the reply in the thread on both instances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nodemailer from "nodemailer";
import { eventually, freePort, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";

describe("notification mail across instances", () => {
  let smtp: SmtpSink;
  let acme: TestInstance;
  let globex: TestInstance;
  let inboundPort: number;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    inboundPort = await freePort();
    acme = await startInstance();
    globex = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 200, inboundSmtpPort: inboundPort, replyDomain: "reply.globex.test" });
  });
  afterAll(async () => {
    await acme?.close();
    await globex?.close();
    await smtp.close();
  });

  it("mails a remote mention once, and a reply to that mail lands in the thread on both instances", async () => {
    ada = await acme.user("ada");
    bob = await globex.user("bob");
    await confirmEmailAddress(globex, bob, "bob@globex.test", smtp);

    const posted = await acme.api(ada.token, "POST", "/api/v1/statuses", { status: `${bob.handle} can Globex review the supplier contract?` });
    expect(posted.status).toBe(200);
    const mail = await eventually(() => smtp.to("bob@globex.test").find((m) => m.subject.includes("mentioned you")), 30_000);
    expect(mail!.text).toContain("can Globex review the supplier contract?");
    expect(mail!.text).toContain(globex.origin);

    // Whatever is still due goes out now; the mention is not mailed again.
    await globex.app.channels.drain();
    expect(smtp.to("bob@globex.test").filter((m) => m.subject.includes("mentioned you"))).toHaveLength(1);
    // And it is in the app too.
    const notes = await globex.api(bob.token, "GET", "/api/v1/notifications");
    expect(notes.body.filter((n: { type: string }) => n.type === "mention")).toHaveLength(1);

    // Bob answers the mail; the reply lands in the thread on Globex and on Acme.
    const replyTo = (mail!.headers.get("reply-to") as { value: Array<{ address: string }> }).value[0]!.address;
    await nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true }).sendMail({
      from: "bob@globex.test",
      to: replyTo,
      subject: "Re: mention",
      text: "Yes, by Friday.\n\nOn Tue, Ada wrote:\n> can Globex review the supplier contract?",
    });
    const onGlobex = await globex.api(bob.token, "GET", `/api/v1/statuses/${notes.body[0].status.id}/context`);
    expect(onGlobex.body.descendants.map((p: { content: string }) => p.content).join()).toContain("Yes, by Friday.");
    await eventually(async () => {
      const onAcme = await acme.api(ada.token, "GET", `/api/v1/statuses/${posted.body.id}/context`);
      return onAcme.body.descendants.some(
        (p: { content: string; account: { acct: string } }) => p.content.includes("Yes, by Friday.") && p.account.acct === `bob@${globex.host}`,
      );
    }, 30_000);
  });

  // Bob's address was confirmed by the test above.
  it("a reply by email to a direct message names its author, so it reaches them", async () => {
    const sent = await acme.api(ada.token, "POST", "/api/v1/statuses", { status: `${bob.handle} the draft price list, just for you`, visibility: "direct" });
    expect(sent.status).toBe(200);
    const mail = await eventually(() => smtp.to("bob@globex.test").find((m) => m.text.includes("the draft price list")), 30_000);
    const replyTo = (mail!.headers.get("reply-to") as { value: Array<{ address: string }> }).value[0]!.address;
    await nodemailer.createTransport({ host: "127.0.0.1", port: inboundPort, secure: false, ignoreTLS: true }).sendMail({
      from: "bob@globex.test",
      to: replyTo,
      subject: "Re: price list",
      text: "Thanks, the margins look right.\n\n> the draft price list",
    });
    // It stays direct and reaches Ada on her own instance, as a mention.
    const reached = await eventually(async () => {
      const notes = await acme.api(ada.token, "GET", "/api/v1/notifications?types[]=mention");
      return notes.body.find((n: { status?: { content: string } }) => n.status?.content.includes("the margins look right"));
    }, 30_000);
    expect(reached.status.visibility).toBe("direct");
    expect(reached.status.in_reply_to_id).toBe(sent.body.id);
    expect(reached.account.acct).toBe(`bob@${globex.host}`);
  });
});
