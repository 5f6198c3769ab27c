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
