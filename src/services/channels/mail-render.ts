// Turns a mail's content into its text and HTML parts. Every mail has both,
// and both end with the preferences link and (for notification mail) the
// unsubscribe link, so a reader never has to hunt for how to stop it.

export interface MailContent {
  /** The first line: "Hello Ada," */
  greeting: string;
  /** Paragraphs of plain text. */
  paragraphs: string[];
  /** Items with an optional link each (a notification batch lists one per notification). */
  items?: Array<{ heading: string; body?: string; link?: string }>;
  /** A main button: label and URL. */
  action?: { label: string; url: string };
  footer: { instanceName: string; preferencesUrl?: string; unsubscribeUrl?: string };
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function renderMailText(content: MailContent): string {
  const lines = [content.greeting, ""];
  for (const p of content.paragraphs) lines.push(p, "");
  for (const item of content.items ?? []) {
    lines.push(`* ${item.heading}`);
    if (item.body) lines.push(...item.body.split("\n").map((l) => `  ${l}`));
    if (item.link) lines.push(`  ${item.link}`);
    lines.push("");
  }
  if (content.action) lines.push(`${content.action.label}: ${content.action.url}`, "");
  lines.push("-- ", `${content.footer.instanceName}`);
  if (content.footer.preferencesUrl) lines.push(`Choose which mail you get: ${content.footer.preferencesUrl}`);
  if (content.footer.unsubscribeUrl) lines.push(`Stop this kind of mail: ${content.footer.unsubscribeUrl}`);
  return `${lines.join("\n")}\n`;
}

export function renderMailHtml(content: MailContent): string {
  const parts = [`<p>${escape(content.greeting)}</p>`];
  for (const p of content.paragraphs) parts.push(`<p>${escape(p)}</p>`);
  if (content.items?.length) {
    parts.push("<ul>");
    for (const item of content.items) {
      const heading = item.link ? `<a href="${escape(item.link)}">${escape(item.heading)}</a>` : escape(item.heading);
      parts.push(`<li><strong>${heading}</strong>${item.body ? `<br>${escape(item.body).replace(/\n/g, "<br>")}` : ""}</li>`);
    }
    parts.push("</ul>");
  }
  if (content.action) parts.push(`<p><a href="${escape(content.action.url)}">${escape(content.action.label)}</a></p>`);
  const footer = [escape(content.footer.instanceName)];
  if (content.footer.preferencesUrl) footer.push(`<a href="${escape(content.footer.preferencesUrl)}">Choose which mail you get</a>`);
  if (content.footer.unsubscribeUrl) footer.push(`<a href="${escape(content.footer.unsubscribeUrl)}">Stop this kind of mail</a>`);
  parts.push(`<hr><p style="color:#555;font-size:small">${footer.join(" · ")}</p>`);
  return `<!doctype html><html><body>${parts.join("\n")}</body></html>`;
}
