// HTML in and out. Incoming HTML is cut down to an allowlist with
// sanitize-html (scripts, event handlers, styles and javascript:/data: links
// never survive); local posts are written as plain text and rendered here.
//
// sanitize-html's cost grows with the square of the nesting depth (a 1 MB
// note of unclosed tags took 17 s), so every input is bounded first, in one
// linear pass: cut to MAX_HTML_CHARS, and when tags nest deeper than
// MAX_HTML_DEPTH the markup is dropped and only its text is kept. No real
// server nests that deep; Mastodon's HTML is 3 levels, a Markdown post with
// quotes in lists perhaps 10.
import sanitize from "sanitize-html";

/** Longest HTML we sanitize; longer input is cut (a long article still fits). */
export const MAX_HTML_CHARS = 200_000;
/** Deepest nesting of tags we keep as markup. */
export const MAX_HTML_DEPTH = 64;

// Tags that never hold content, and tags a new sibling closes implicitly.
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const SELF_CLOSING_SIBLINGS = new Set(["p", "li", "dt", "dd", "option", "tr", "td", "th"]);
// `[^<>]*` (not `[^>]*`) keeps the scan linear on input like "<a<a<a…".
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/g;

/** True when tags nest deeper than `max`; linear in the length of the input. */
export function nestsDeeperThan(html: string, max: number): boolean {
  const stack: string[] = [];
  for (const match of html.matchAll(TAG)) {
    const [, closing, rawName, selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (closing) {
      const at = stack.lastIndexOf(name);
      if (at >= 0) stack.length = at;
      continue;
    }
    if (SELF_CLOSING_SIBLINGS.has(name) && stack[stack.length - 1] === name) continue;
    stack.push(name);
    if (stack.length > max) return true;
  }
  return false;
}

/** Cuts to `max` characters without leaving half a tag at the end. */
function cut(html: string, max: number): string {
  if (html.length <= max) return html;
  const head = html.slice(0, max);
  const open = head.lastIndexOf("<");
  return open > head.lastIndexOf(">") ? head.slice(0, open) : head;
}

/** The text of markup, by a linear scan: for input too deep to sanitize. */
function textOnly(html: string): string {
  return html.replace(/<[^<>]*>?/g, " ").replace(/[<>]/g, " ");
}

/** Input the sanitizer can take in linear time. */
function bounded(html: string, maxChars: number): string {
  const short = cut(html, maxChars);
  return nestsDeeperThan(short, MAX_HTML_DEPTH) ? escape(decodeEntities(textOnly(short))) : short;
}

const ALLOWED: sanitize.IOptions = {
  allowedTags: ["p", "br", "a", "span", "strong", "b", "em", "i", "u", "s", "del", "blockquote", "code", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "hr"],
  allowedAttributes: {
    a: ["href", "rel", "class", "title"],
    span: ["class"],
    ol: ["start", "reversed"],
    li: ["value"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  // Only the classes Mastodon and Lemmy use for mentions and hashtags.
  allowedClasses: { a: ["mention", "hashtag", "u-url", "h-card"], span: ["h-card", "invisible", "ellipsis"] },
  transformTags: {
    a: sanitize.simpleTransform("a", { rel: "nofollow noopener noreferrer" }),
  },
  disallowedTagsMode: "discard",
};

/** Allowlisted HTML from untrusted input, at most `maxChars` of it read. */
export function sanitizeHtml(html: string, maxChars = MAX_HTML_CHARS): string {
  return sanitize(bounded(html, maxChars), ALLOWED).trim();
}

/**
 * The plain text of HTML that sanitizeHtml already produced (ideas, search):
 * a second sanitizer pass over the same note is not needed, since what it
 * returns is well-formed, shallow and has no comments or scripts.
 */
export function textOfSanitized(safeHtml: string): string {
  return decodeEntities(safeHtml.replace(/<br\s*\/?>|<\/(p|li|blockquote|h[1-4]|pre)>/gi, "\n").replace(/<[^>]*>/g, "")).trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Plain text (titles, names) with every tag removed. The result is text, not
 * HTML: whoever puts it in a page escapes it (entities are decoded so that
 * "Tom &amp; Jerry" does not show its ampersand escaped twice).
 */
export function stripHtml(text: string, maxChars = MAX_HTML_CHARS): string {
  return decodeEntities(sanitize(bounded(text, maxChars), { allowedTags: [], allowedAttributes: {} })).trim();
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface MentionLink {
  handle: string; // @user@host as written
  uri: string;
  url: string;
}

// A mention as Mastodon writes it: `@user@host` or, for a local account, `@user`;
// not inside a word or a URL (`me@example.com`, `/@user`), no trailing dot.
const MENTION = String.raw`(?<![=/\w@])@[a-zA-Z0-9_]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9_])?(?:@[a-zA-Z0-9.-]*[a-zA-Z0-9](?::\d+)?)?`;
const TOKEN = new RegExp(String.raw`(https?:\/\/[^\s<]+[^\s<.,;:!?)\]'"])|(${MENTION})|(#[\p{L}\p{N}_]+)`, "gu");

/** Renders a local post's plain text as HTML: paragraphs, links, mentions, hashtags. */
export function renderText(text: string, origin: URL, mentions: MentionLink[]): string {
  const byHandle = new Map(mentions.map((m) => [m.handle.toLowerCase(), m]));
  const paragraphs = text.trim().split(/\n{2,}/);
  return paragraphs
    .map((paragraph) => {
      let html = "";
      let last = 0;
      for (const match of paragraph.matchAll(TOKEN)) {
        html += escape(paragraph.slice(last, match.index));
        const [whole, url, mention, tag] = match;
        if (url) {
          html += `<a href="${escape(url)}" rel="nofollow noopener noreferrer">${escape(url)}</a>`;
        } else if (mention) {
          const known = byHandle.get(mention.toLowerCase());
          html += known
            ? `<span class="h-card"><a href="${escape(known.url)}" class="u-url mention">@${escape(mention.split("@")[1]!)}</a></span>`
            : escape(mention);
        } else if (tag) {
          const name = tag.slice(1);
          html += `<a href="${escape(new URL(`/tags/${encodeURIComponent(name.toLowerCase())}`, origin).href)}" class="mention hashtag" rel="tag">#${escape(name)}</a>`;
        } else {
          html += escape(whole);
        }
        last = match.index + whole.length;
      }
      html += escape(paragraph.slice(last));
      return `<p>${html.replace(/\n/g, "<br>")}</p>`;
    })
    .join("");
}

/** Mentions as written: `@user@host`, and `@user` for a local account (see qualifyMention). */
export function extractMentionHandles(text: string): string[] {
  // URLs are skipped so that `https://host/@user` is not a mention.
  const withoutUrls = text.replace(/https?:\/\/[^\s<]+/g, " ");
  return [...new Set([...withoutUrls.matchAll(new RegExp(MENTION, "g"))].map((m) => m[0]))];
}

/** `@user` is an account of this instance: `@user@<host>`; a full handle stays as it is. */
export function qualifyMention(handle: string, localHost: string): string {
  return handle.indexOf("@", 1) === -1 ? `${handle}@${localHost}` : handle;
}

export function extractHashtags(text: string): string[] {
  return [...new Set([...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1]!.toLowerCase()))];
}
