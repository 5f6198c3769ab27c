// Our own SMTP listener for reply by email (ECOTONE_INBOUND_SMTP_PORT). Point
// the MX of the reply domain (or a forwarding rule) at it. A recipient that
// is not one of our reply or bounce addresses is refused at RCPT, before any
// body is taken; a refused reply answers 550 with the reason, so the sender's
// server bounces it and nothing is posted. What is taken goes the one intake
// path (mail-intake.service.ts), as the provider webhook's mail does.
import { SMTPServer } from "smtp-server";
import { DomainError } from "../../domain/errors.ts";
import type { ServiceContext } from "../context.ts";
import { acceptsRecipient, intakeMail } from "./mail-intake.service.ts";

const MAX_BYTES = 1_048_576;

function smtpError(message: string, code: number): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startInboundMail(
  ctx: ServiceContext,
  options: { host: string; port: number; domain: string },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    // Mail from the internet arrives in the clear or by STARTTLS at the MX; a TLS-terminating proxy may sit in front.
    disabledCommands: ["AUTH", "STARTTLS"],
    size: MAX_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      acceptsRecipient(ctx, address.address, options.domain)
        .then((ok) => callback(ok ? undefined : smtpError("5.1.1 Not a reply address of this instance", 550)))
        .catch(() => callback(smtpError("4.3.0 Try again later", 451)));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      new Promise<void>((resolve, reject) => {
        stream.once("end", resolve);
        stream.once("error", reject);
      })
        // The whole message first: one too big is refused before anything is posted.
        .then(() => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) throw smtpError("5.3.4 Message too big", 552);
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
          return intakeMail(ctx, Buffer.concat(chunks), { rcptTo: session.envelope.rcptTo.map((r) => r.address), mailFrom }, options.domain);
        })
        .then(() => callback())
        .catch((error: unknown) => {
          if (error instanceof DomainError) return callback(smtpError(`5.7.1 ${error.message}`, 550));
          if ((error as { responseCode?: number }).responseCode) return callback(error as Error);
          ctx.logger.error({ err: error }, "reply by email failed");
          callback(smtpError("4.3.0 Try again later", 451));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === "object" && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
