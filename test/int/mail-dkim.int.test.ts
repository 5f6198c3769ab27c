// Optional DKIM signing: with ECOTONE_DKIM_* set, mail that reaches the SMTP
// server carries a DKIM-Signature for our domain and selector, and the
// signature verifies against the public key (what a receiver reads from DNS
// at <selector>._domainkey.<domain>), body hash and header signature both
// (RFC 6376, relaxed/relaxed). Without the settings, mail is not signed.
import { PASSWORD } from "../helpers/web-visitor.ts";
import { createHash, createVerify, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { eventually, startInstance, type TestInstance } from "../helpers/instances.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

/** The raw message's headers (unfolded, in order) and body. */
function split(raw: string): { headers: Array<[string, string]>; body: string } {
  const text = raw.replace(/\r?\n/g, "\r\n");
  const at = text.indexOf("\r\n\r\n");
  const headers: Array<[string, string]> = [];
  for (const line of text.slice(0, at).split("\r\n")) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1]![1] += `\r\n${line}`;
    else headers.push([line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]);
  }
  return { headers, body: text.slice(at + 4) };
}

const relaxedHeader = (name: string, value: string) =>
  `${name.toLowerCase().trim()}:${value
    .replace(/\r\n/g, "")
    .replace(/[ \t]+/g, " ")
    .trim()}`;

function relaxedBody(body: string): string {
  const lines = body.split("\r\n").map((l) => l.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
}

function verifyDkim(raw: string): { d: string; s: string; ok: boolean } {
  const { headers, body } = split(raw);
  const signature = headers.find(([n]) => n.toLowerCase() === "dkim-signature")!;
  const tags = Object.fromEntries(
    signature[1]
      .replace(/\r\n[ \t]*/g, "")
      .split(";")
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf("=")), t.slice(t.indexOf("=") + 1).replace(/\s+/g, "")]),
  ) as Record<string, string>;
  expect(tags.c).toBe("relaxed/relaxed");
  const bodyOk = createHash("sha256").update(relaxedBody(body)).digest("base64") === tags.bh;
  const used = new Map<string, number>();
  const lines: string[] = [];
  for (const name of tags.h!.split(":")) {
    // The last header of a name first, then the one before (RFC 6376 §5.4.2).
    const all = headers.filter(([n]) => n.toLowerCase() === name.toLowerCase());
    const index = all.length - 1 - (used.get(name.toLowerCase()) ?? 0);
    used.set(name.toLowerCase(), (used.get(name.toLowerCase()) ?? 0) + 1);
    if (index >= 0) lines.push(relaxedHeader(all[index]![0], all[index]![1]));
  }
  const unsigned = relaxedHeader(signature[0], signature[1].replace(/b=[^;]*$|b=[^;]*(?=;)/, "b="));
  const verifier = createVerify("RSA-SHA256");
  verifier.update([...lines, unsigned].join("\r\n"));
  return { d: tags.d!, s: tags.s!, ok: bodyOk && verifier.verify(publicKey, tags.b!, "base64") };
}

describe("DKIM signing", () => {
  let smtp: SmtpSink;
  let signed: TestInstance;
  let plain: TestInstance;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    signed = await startInstance({
      smtpUrl: smtp.url,
      mailBatchMs: 0,
      dkim: { domainName: "acme.test", keySelector: "ecotone2026", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    });
    plain = await startInstance({ smtpUrl: smtp.url, mailBatchMs: 0 });
  });
  afterAll(async () => {
    await Promise.all([signed?.close(), plain?.close()]);
    await smtp?.close();
  });

  it("signs every mail so that it verifies with the published key, and only when configured", async () => {
    const ada = await signed.user("ada");
    await signed.api(ada.token, "PUT", "/api/ecotone/v1/account/email", { email: "ada@acme.test", currentPassword: PASSWORD });
    const mail = await eventually(() => smtp.to("ada@acme.test")[0], 30_000);
    const result = verifyDkim(mail!.raw);
    expect(result).toEqual({ d: "acme.test", s: "ecotone2026", ok: true });
    // A changed byte breaks it: the check above is a real verification.
    expect(verifyDkim(mail!.raw.replace("Confirm", "Confirn")).ok).toBe(false);

    const bob = await plain.user("bob");
    await plain.api(bob.token, "PUT", "/api/ecotone/v1/account/email", { email: "bob@globex.test", currentPassword: PASSWORD });
    const unsigned = await eventually(() => smtp.to("bob@globex.test")[0], 30_000);
    expect(unsigned!.raw).not.toMatch(/^DKIM-Signature:/im);
  });

  it("refuses half a DKIM configuration at start, saying what is missing", () => {
    expect(() => loadConfig({ ECOTONE_DKIM_DOMAIN: "acme.test" }, "/nonexistent")).toThrow(/ECOTONE_DKIM_SELECTOR/);
    expect(() => loadConfig({ ECOTONE_DKIM_DOMAIN: "acme.test", ECOTONE_DKIM_SELECTOR: "s1" }, "/nonexistent")).toThrow(/ECOTONE_DKIM_PRIVATE_KEY/);
  });
});
