// Between two real instances: a mention written on another company's
// instance reaches the person's mail inbox once, through a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";

describe("notification mail across instances", () => {
  let smtp: SmtpSink;
  let acme: TestInstance;
  let globex: TestInstance;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    acme = await startInstance();
    globex = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 200 });
  });
  afterAll(async () => {
    await acme?.close();
    await globex?.close();
    await smtp.close();
  });

  it("mails a remote mention once", async () => {
    const ada = await acme.user("ada");
    const bob = await globex.user("bob");
    await globex.api(bob.token, "PUT", "/api/ecotone/v1/account/email", { email: "bob@globex.test" });
    const confirm = await eventually(() => smtp.to("bob@globex.test").find((m) => m.subject.startsWith("Confirm")), 30_000);
    const token = /\/mail\/verify\?token=([^\s]+)/.exec(confirm!.text)![1]!;
    expect((await globex.api(null, "POST", "/api/ecotone/v1/account/email/verify", { token })).status).toBe(200);

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
  });
});
