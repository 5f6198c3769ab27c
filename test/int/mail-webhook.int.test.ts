// The provider's inbound webhook: a raw RFC 822 reply, signed with the shared
// secret, lands in the thread like one through our SMTP listener; a DSN marks
// the address bounced. An unsigned or wrongly signed call is a 401, a forged
// reply address a 403, a loop a 403, each with nothing posted; the same mail
// delivered twice is posted once; a request signed long ago, or sent again to
// other recipients than it was signed for, is a 401; without the secret the
// webhook is off (404).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { confirmEmailAddress } from "../helpers/mail-address.ts";
import { inboundMailSignature } from "../../src/services/channels/inbound-mail-signature.ts";

// The test's own fetch, not the instances' guarded one.
const clientFetch = globalThis.fetch;
const SECRET = "0123456789abcdef0123456789abcdef-test";

describe("inbound mail webhook", () => {
  let smtp: SmtpSink;
  let instance: TestInstance;
  let off: TestInstance;
  let ada: TestUser;
  let bob: TestUser;
  let rootId: string;
  let replyTo: string;

  const now = () => String(Math.floor(Date.now() / 1000));
  const signed = (raw: string, timestamp = now(), to: string[] = []) => ({
    "x-ecotone-timestamp": timestamp,
    "x-ecotone-signature": inboundMailSignature(SECRET, timestamp, to, Buffer.from(raw)),
  });
  const post = (target: TestInstance, raw: string, headers: Record<string, string> | null = signed(raw), to: string[] = []) => {
    const url = new URL("/api/ecotone/v1/inbound-mail", target.origin);
    for (const address of to) url.searchParams.append("to", address);
    return clientFetch(url, { method: "POST", headers: { "content-type": "message/rfc822", ...headers }, body: raw });
  };
  const reply = (to: string, text: string, extra: string[] = []) =>
    ["From: bob@acme.test", `To: ${to}`, "Subject: Re: your thread", ...extra, "Content-Type: text/plain; charset=utf-8", "", text, ""].join("\r\n");
  const thread = async () => (await instance.api(ada.token, "GET", `/api/v1/statuses/${rootId}/context`)).body.descendants as Array<{ content: string }>;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    instance = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0, runQueueWorkers: false, inboundMailSecret: SECRET, replyDomain: "reply.acme.test" });
    off = await startInstance({ runQueueWorkers: false });
    ada = await instance.user("ada");
    bob = await instance.user("bob");
    await confirmEmailAddress(instance, bob, "bob@acme.test", smtp);
    rootId = (await instance.api(bob.token, "POST", "/api/v1/statuses", { status: "Which crane for Monday?" })).body.id;
    await instance.api(ada.token, "POST", "/api/v1/statuses", { status: "The big one", in_reply_to_id: rootId });
    await instance.app.channels.drain();
    const mail = smtp.to("bob@acme.test").find((m) => m.subject.includes("replied"))!;
    replyTo = (mail.headers.get("reply-to") as { value: Array<{ address: string }> }).value[0]!.address;
  });
  afterAll(async () => {
    await Promise.all([instance?.close(), off?.close()]);
    await smtp?.close();
  });

  it("refuses unsigned, wrongly signed, forged and looping mail with nothing posted", async () => {
    const raw = reply(replyTo, "Unsigned attempt");
    expect((await post(instance, raw, null)).status).toBe(401);
    expect((await post(instance, raw, { "x-ecotone-timestamp": now(), "x-ecotone-signature": "sha256=00" })).status).toBe(401);
    // Signed over the body alone, as before the timestamp: refused.
    expect((await post(instance, raw, { "x-ecotone-signature": signed(raw)["x-ecotone-signature"] })).status).toBe(401);
    const forged = replyTo.replace(/\.([0-9a-f])/, (_m, c: string) => `.${c === "0" ? "1" : "0"}`);
    expect((await post(instance, reply(forged, "Forged"))).status).toBe(403);
    expect((await post(instance, reply(replyTo, "Away", ["Auto-Submitted: auto-replied"]))).status).toBe(403);
    expect((await post(off, raw)).status).toBe(404);
    expect(await thread()).toHaveLength(1);
  });

  it("posts a signed reply in the thread, as the listener would", async () => {
    const res = await post(instance, reply(replyTo, "Book the big one.\r\n\r\n> The big one"));
    expect(res.status).toBe(200);
    expect((await res.json()).kind).toBe("reply");
    const posts = await thread();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.content).toContain("Book the big one.");
    expect(posts[1]!.content).not.toContain("&gt; The big one");
  });

  it("posts a mail delivered twice once (a provider's retry, a replayed request); another mail is posted", async () => {
    const raw = reply(replyTo, "Confirmed for Monday.", ["Message-ID: <monday-1@mail.acme.test>"]);
    const first = await post(instance, raw);
    expect(first.status).toBe(200);
    const again = await post(instance, raw);
    expect(again.status).toBe(200);
    expect((await again.json()).postId).toBe((await first.json()).postId);
    expect((await thread()).filter((p) => p.content.includes("Confirmed for Monday."))).toHaveLength(1);
    // The control: a new mail with the same words but its own Message-ID is a new reply.
    expect((await post(instance, reply(replyTo, "Confirmed for Monday.", ["Message-ID: <monday-2@mail.acme.test>"]))).status).toBe(200);
    expect((await thread()).filter((p) => p.content.includes("Confirmed for Monday."))).toHaveLength(2);
  });

  it("refuses a request signed long ago, or sent to other recipients than it was signed for; the honest one is posted", async () => {
    const raw = reply(replyTo, "Captured and sent again.");
    const anHourAgo = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await post(instance, raw, signed(raw, anHourAgo));
    expect(stale.status).toBe(401);
    expect((await stale.json()).error.message).toContain("X-Ecotone-Timestamp");
    // Signed for one envelope recipient, replayed with another ?to=.
    const headers = signed(raw, now(), [replyTo]);
    expect((await post(instance, raw, headers, ["someone-else@reply.acme.test"])).status).toBe(401);
    expect((await thread()).filter((p) => p.content.includes("Captured and sent again."))).toHaveLength(0);
    // The control: the same request with the recipient it was signed for.
    expect((await post(instance, raw, headers, [replyTo])).status).toBe(200);
    expect((await thread()).filter((p) => p.content.includes("Captured and sent again."))).toHaveLength(1);
  });

  it("marks the address bounced on a signed DSN", async () => {
    const bounceTo = smtp.to("bob@acme.test")[0]!.envelopeFrom;
    const dsn = [
      "From: MAILER-DAEMON@mx.acme.test",
      `To: ${bounceTo}`,
      "Subject: Undelivered",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="x"',
      "",
      "--x",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.acme.test",
      "",
      "Final-Recipient: rfc822; bob@acme.test",
      "Action: failed",
      "Status: 5.2.1",
      "",
      "--x--",
      "",
    ].join("\r\n");
    const res = await post(instance, dsn);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ kind: "bounce", bounced: true });
    expect((await instance.api(bob.token, "GET", "/api/ecotone/v1/account/email")).body.bounced).toBe(true);
  });
});
