// Outgoing mail: written to mail_outbox in the caller's transaction and sent
// by the mail worker, never inside a request. Without an SMTP transport
// (ECOTONE_SMTP_URL unset) the worker keeps each mail, and admins read it on
// the Outgoing mail page.
import type { Kysely, Transaction } from "kysely";
import { redactedMail } from "./mail-redaction.ts";
import { claimDueMail, finishMail, findMail, insertMail, listMail, markEmailBounced, retryMail, type MailRow } from "../../db/repos/mail.repo.ts";
import type { Database } from "../../db/schema.ts";
import { notFound } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { renderMailHtml, renderMailText, type MailContent } from "./mail-render.ts";
import { bounceAddress } from "./mail-links.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** What the worker hands a transport (nodemailer over SMTP in production). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** The envelope sender, where bounces go (our bounce address when the listener is on). */
  bounceTo?: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

/** A refusal the server will repeat (5xx): retrying is pointless, the address is marked. */
export class PermanentMailError extends Error {}

const MAX_ATTEMPTS = 10;

export async function queueMail(
  db: Db,
  mail: { to: string; recipientId: string | null; purpose: string; subject: string; content: MailContent; unsubscribeUrl?: string; replyTo?: string },
  origin?: URL,
): Promise<string> {
  const headers: Record<string, string> = {
    // Tells autoresponders and our own reply-by-email listener not to answer (RFC 3834).
    "Auto-Submitted": "auto-generated",
  };
  // Our mark: a mail of ours that comes back to the reply listener is a loop, never a post.
  if (origin) headers["X-Ecotone-Origin"] = origin.host;
  if (mail.replyTo) headers["Reply-To"] = mail.replyTo;
  if (mail.unsubscribeUrl) {
    // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to this URL.
    headers["List-Unsubscribe"] = `<${mail.unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return insertMail(db, {
    to: mail.to,
    recipientId: mail.recipientId,
    purpose: mail.purpose,
    subject: mail.subject,
    text: renderMailText(mail.content),
    html: renderMailHtml(mail.content),
    headers,
  });
}

/**
 * Sends (or keeps) the next due mail; false when none is due. A failure is
 * retried with doubling delays, a permanent refusal marks the address bounced.
 */
export async function sendNextMail(
  ctx: ServiceContext,
  transport: MailTransport | null,
  options: { leaseMs: number; retryInitialMs: number },
): Promise<boolean> {
  const mail = await claimDueMail(ctx.db, options.leaseMs);
  if (!mail) return false;
  if (!transport) {
    await finishMail(ctx.db, mail.id, "kept");
    return true;
  }
  try {
    const bounceTo = ctx.replyDomain ? await bounceAddress(ctx, mail.id, ctx.replyDomain) : undefined;
    await transport.send({
      to: mail.to_address,
      subject: mail.subject,
      text: mail.text_body,
      html: mail.html_body,
      headers: mail.headers,
      ...(bounceTo ? { bounceTo } : {}),
    });
    await finishMail(ctx.db, mail.id, "sent");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof PermanentMailError || mail.attempts >= MAX_ATTEMPTS;
    if (error instanceof PermanentMailError) await markEmailBounced(ctx.db, mail.to_address);
    const next = permanent ? null : new Date(Date.now() + options.retryInitialMs * 2 ** (mail.attempts - 1));
    await retryMail(ctx.db, mail.id, message, next);
    ctx.logger.warn({ mailId: mail.id, attempts: mail.attempts, permanent, err: message }, permanent ? "mail given up" : "mail send failed; will retry");
  }
  return true;
}

/**
 * Who reads the outgoing-mail log. Its one-time links act for the person they
 * were mailed to, so a token (even `admin:read`) sees them without their
 * tokens; an admin signed in to the web sees the links of mail that was only
 * kept (no SMTP server: the log is then the only way the mail reaches anyone,
 * as in development). See mail-redaction.ts.
 */
export type MailLogReader = "token" | "web-session";

const shownTo = (reader: MailLogReader) => (mail: MailRow) => (reader === "web-session" && mail.status === "kept" ? mail : redactedMail(mail));

export async function outgoingMail(ctx: ServiceContext, reader: MailLogReader, options: { before?: string; limit: number }): Promise<MailRow[]> {
  return (await listMail(ctx.db, options)).map(shownTo(reader));
}

export async function outgoingMailById(ctx: ServiceContext, reader: MailLogReader, id: string): Promise<MailRow> {
  const mail = await findMail(ctx.db, id);
  if (!mail) throw notFound(`No outgoing mail ${id}`);
  return shownTo(reader)(mail);
}
