// Every inbound mail takes this one path, whether our SMTP listener or a
// provider's webhook received it: a bounce (a DSN to one of our bounce
// addresses) marks the address it failed for; anything else to one of our
// reply addresses is a reply by email, with all the checks of
// mail-inbound.service.ts. Mail for any other address is refused.
import { simpleParser, type ParsedMail } from "mailparser";
import { findMail, markEmailBounced } from "../../db/repos/mail.repo.ts";
import { forbidden } from "../../domain/errors.ts";
import { failedRecipients } from "../../domain/mail-reply.rules.ts";
import type { ServiceContext } from "../context.ts";
import { readBounceAddress } from "./mail-links.ts";
import { isReplyAddress, receiveReplyMail } from "./mail-inbound.service.ts";

/** Whether we take mail for this address at all (asked at RCPT, before the body). */
export async function acceptsRecipient(ctx: ServiceContext, address: string, domain: string): Promise<boolean> {
  return (await readBounceAddress(ctx, address, domain)) !== null || (await isReplyAddress(ctx, address, domain));
}

export type IntakeResult = { kind: "reply"; postId: string } | { kind: "bounce"; bounced: string[] };

export async function intakeMail(
  ctx: ServiceContext,
  raw: Buffer,
  envelope: { rcptTo: string[]; mailFrom: string | null },
  domain: string,
): Promise<IntakeResult> {
  const parsed = await simpleParser(raw);
  for (const to of envelope.rcptTo) {
    const bounce = await readBounceAddress(ctx, to, domain);
    if (bounce) return { kind: "bounce", bounced: await takeBounce(ctx, bounce.mailId, parsed) };
  }
  if (envelope.rcptTo.length === 0) throw forbidden("The mail names none of our addresses");
  const header = (name: string) => {
    const value = parsed.headers.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const reply = await receiveReplyMail(
    ctx,
    {
      to: envelope.rcptTo,
      from: parsed.from?.value[0]?.address ?? envelope.mailFrom ?? "",
      text: parsed.text ?? "",
      autoSubmitted: header("auto-submitted"),
      precedence: header("precedence"),
      ecotoneOrigin: header("x-ecotone-origin"),
      messageId: parsed.messageId,
    },
    domain,
  );
  return { kind: "reply", postId: reply.postId };
}

/**
 * A DSN about one of our mails: when it reports that mail's address failed,
 * the address is marked bounced and gets no more mail until it is set again.
 * A report about another address, a delay, or a mail that is no DSN changes
 * nothing.
 */
async function takeBounce(ctx: ServiceContext, mailId: string, parsed: ParsedMail): Promise<string[]> {
  const mail = await findMail(ctx.db, mailId);
  if (!mail) return [];
  const type = parsed.headers.get("content-type") as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== "multipart/report" || type.params?.["report-type"]?.toLowerCase() !== "delivery-status") return [];
  // mailparser reads a message/delivery-status part as text (or, from some servers, as an attachment).
  const report = parsed.attachments.find((a) => a.contentType.toLowerCase() === "message/delivery-status");
  const failed = failedRecipients(report ? report.content.toString("utf8") : (parsed.text ?? ""));
  if (!failed.includes(mail.to_address.toLowerCase())) return [];
  await markEmailBounced(ctx.db, mail.to_address);
  ctx.logger.info({ mailId }, "bounce received: the address is marked bounced");
  return [mail.to_address];
}
