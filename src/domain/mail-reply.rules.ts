// What of a mailed reply is the reply: the text above the quoted message and
// above the signature. Mail clients quote in many ways; these are the common
// ones (Gmail, Outlook, Apple Mail, Thunderbird). Pure.

const QUOTE_HEADERS = [
  /^On .+ wrote:\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^Le .+ a écrit\s*:\s*$/i,
  /^Am .+ schrieb .+:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i, // Outlook
  /^_{10,}\s*$/, // Outlook's rule above "From:"
  /^From: .+$/i,
];

export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const kept: string[] = [];
  for (const line of lines) {
    if (line === "-- " || line === "--") break; // RFC 3676 signature separator
    if (/^>/.test(line)) break;
    if (QUOTE_HEADERS.some((re) => re.test(line.trim()))) break;
    if (/^Sent from my /i.test(line.trim())) break;
    kept.push(line);
  }
  return kept.join("\n").trim();
}

/** Auto-replies, bounces and our own mail must never become posts (RFC 3834). */
export function looksAutomatic(headers: { autoSubmitted?: string | undefined; precedence?: string | undefined; fromOurselves: boolean }): boolean {
  if (headers.fromOurselves) return true;
  if (headers.autoSubmitted && headers.autoSubmitted.trim().toLowerCase() !== "no") return true;
  return /^(bulk|junk|list|auto_reply)$/i.test(headers.precedence?.trim() ?? "");
}

/**
 * Whom a reply by email must name to reach anyone. A mail carries no
 * @handles, and a followers-only or direct post reaches only the people it
 * names, so, as a Mastodon app fills its reply box, the reply names the
 * parent's author and the people the parent named, except the one replying
 * and anyone the reply names already. Public and unlisted replies reach the
 * parent's author anyway (a reply notifies them). Handles are full
 * (`@user@host`), compared without case.
 */
export function handlesToName(
  parent: { visibility: string; authorHandle: string; mentionedHandles: readonly string[] },
  replierHandle: string,
  alreadyNamed: readonly string[],
): string[] {
  if (parent.visibility !== "private" && parent.visibility !== "direct") return [];
  const skip = new Set([replierHandle, ...alreadyNamed].map((h) => h.toLowerCase()));
  const names: string[] = [];
  for (const handle of [parent.authorHandle, ...parent.mentionedHandles]) {
    if (skip.has(handle.toLowerCase())) continue;
    skip.add(handle.toLowerCase());
    names.push(handle);
  }
  return names;
}

/**
 * The recipients a delivery status notification (RFC 3464, the
 * message/delivery-status part of a multipart/report) says failed for good:
 * `Action: failed`, by their Final-Recipient (or Original-Recipient).
 * Delayed, delivered and relayed reports name nobody.
 */
export function failedRecipients(deliveryStatus: string): string[] {
  const failed: string[] = [];
  // Per-recipient fields come in groups separated by blank lines, after the per-message group.
  for (const group of deliveryStatus.replace(/\r\n/g, "\n").split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of group.split("\n")) {
      const at = line.indexOf(":");
      if (at > 0) fields.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
    }
    if (fields.get("action")?.toLowerCase() !== "failed") continue;
    const recipient = (fields.get("final-recipient") ?? fields.get("original-recipient") ?? "").replace(/^rfc822\s*;\s*/i, "").trim();
    if (recipient) failed.push(recipient.toLowerCase());
  }
  return failed;
}
