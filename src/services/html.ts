// HTML in and out. Incoming HTML is cut down to an allowlist with
// sanitize-html (scripts, event handlers, styles and javascript:/data: links
// never survive); local posts are written as plain text and rendered here.
import sanitize from "sanitize-html";

const ALLOWED: sanitize.IOptions = {
  allowedTags: [
    "p", "br", "a", "span", "strong", "b", "em", "i", "u", "s", "del", "blockquote",
    "code", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "hr",
  ],
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

export function sanitizeHtml(html: string): string {
  return sanitize(html, ALLOWED).trim();
}

/**
 * Plain text (titles, names) with every tag removed. The result is text, not
 * HTML: whoever puts it in a page escapes it (entities are decoded so that
 * "Tom &amp; Jerry" does not show its ampersand escaped twice).
 */
export function stripHtml(text: string): string {
  return sanitize(text, { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
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
