// The SMTP transport (nodemailer) behind ECOTONE_SMTP_URL, e.g.
// smtps://user:pass@mail.example:465 or smtp://mail.example:587 (STARTTLS
// when the server offers it). A 5xx answer is permanent: the address bounced.
import nodemailer from "nodemailer";
import { PermanentMailError, type MailTransport } from "./mail.service.ts";

export function createSmtpTransport(url: string, from: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
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
