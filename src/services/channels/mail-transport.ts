// The SMTP transport (nodemailer) behind ECOTONE_SMTP_URL, e.g.
// smtps://user:pass@mail.example:465 or smtp://mail.example:587 (STARTTLS
// when the server offers it). A 5xx answer is permanent: the address bounced.
// With ECOTONE_DKIM_* every mail is DKIM-signed (nodemailer's signer, relaxed
// canonicalization, RSA-SHA256), so receivers can tell it is really ours.
import nodemailer from "nodemailer";
import { PermanentMailError, type MailTransport } from "./mail.service.ts";

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export function createSmtpTransport(url: string, from: string, dkim: DkimSettings | null = null): MailTransport & { close(): void } {
  const transporter = dkim ? nodemailer.createTransport(url, { dkim }) : nodemailer.createTransport(url);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          // Bounces come back to our listener, naming this mail (mail-links.ts).
          ...(mail.bounceTo ? { envelope: { from: mail.bounceTo, to: mail.to } } : {}),
        });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        if (code !== undefined && code >= 500 && code < 600) throw new PermanentMailError((error as Error).message);
        throw error;
      }
    },
    close() {
      transporter.close();
    },
  };
}
