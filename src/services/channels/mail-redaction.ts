// What the outgoing-mail log shows its readers. Mails carry one-time links
// (address confirmation, password reset, invitation, unsubscribe) whose
// tokens act for the person they were sent to; anyone with an admin token —
// `admin:read` included, which a monitoring app may hold — could read a reset
// link and take over the account (docs/security.md, finding 41). The log keeps
// the mail as sent (the sender needs it); its readers see the links without
// their tokens (mail.service.ts says who sees what).
import type { MailRow } from "../../db/repos/mail.repo.ts";

const HIDDEN = "[hidden]";
/** `?token=…` / `&token=…` query values, and invitation paths `/join/<token>`. */
const SECRET_PARTS: Array<[RegExp, string]> = [
  [/([?&](?:amp;)?token=)[^&\s"'<>]+/g, `$1${HIDDEN}`],
  [/(\/join\/)[A-Za-z0-9_-]{8,}/g, `$1${HIDDEN}`],
];

export function redactMailSecrets(text: string): string {
  return SECRET_PARTS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

export function redactedMail(mail: MailRow): MailRow {
  return {
    ...mail,
    text_body: redactMailSecrets(mail.text_body),
    html_body: redactMailSecrets(mail.html_body),
    headers: Object.fromEntries(Object.entries(mail.headers ?? {}).map(([name, value]) => [name, redactMailSecrets(value)])),
  };
}
