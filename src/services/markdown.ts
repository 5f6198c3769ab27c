// Markdown for posts written in the web composer: the source is kept as the
// author typed it, the HTML is rendered by `marked` and then passed through
// the one sanitiser (html.ts), so Markdown can never produce markup that a
// plain-text post could not. Raw HTML in the source is shown as text, and
// mentions and hashtags become the same links renderText makes.
import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";
import { sanitizeHtml, type MentionLink } from "./html.ts";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const MENTION = /^@([a-zA-Z0-9_.-]+)@([a-zA-Z0-9.-]+(?::\d+)?)/;
const HASHTAG = /^#([\p{L}\p{N}_]+)/u;

function build(origin: URL, mentions: MentionLink[]): Marked {
  const byHandle = new Map(mentions.map((m) => [m.handle.toLowerCase(), m]));
  const mention: TokenizerAndRendererExtension = {
    name: "mention",
    level: "inline",
    start: (src) => src.match(/@[a-zA-Z0-9_.-]+@/)?.index,
    tokenizer(src) {
      const match = MENTION.exec(src);
      return match ? { type: "mention", raw: match[0], username: match[1]!, handle: match[0] } : undefined;
    },
    renderer(token) {
      const known = byHandle.get(String(token.handle).toLowerCase());
      if (!known) return escape(String(token.raw));
      return `<span class="h-card"><a href="${escape(known.url)}" class="u-url mention">@${escape(String(token.username))}</a></span>`;
    },
  };
  const hashtag: TokenizerAndRendererExtension = {
    name: "hashtag",
    level: "inline",
    // Only a # that starts a word: "#tag", not "issue#3" or a URL's fragment.
    start: (src) => {
      const match = /(^|[\s(])#[\p{L}\p{N}_]/u.exec(src);
      return match ? match.index + match[1]!.length : undefined;
    },
    tokenizer(src) {
      const match = HASHTAG.exec(src);
      return match ? { type: "hashtag", raw: match[0], name: match[1]! } : undefined;
    },
    renderer(token) {
      const name = String(token.name);
      const href = new URL(`/tags/${encodeURIComponent(name.toLowerCase())}`, origin).href;
      return `<a href="${escape(href)}" class="mention hashtag" rel="tag">#${escape(name)}</a>`;
    },
  };
  return new Marked({
    gfm: true,
    breaks: true,
    extensions: [mention, hashtag],
    renderer: {
      // Raw HTML typed into a post is text, never markup.
      html: (token: Tokens.HTML | Tokens.Tag) => escape(token.text),
      // Images are attachments with alt text, not remote references in the text.
      image: (token: Tokens.Image) => escape(token.text || token.href),
    },
  });
}

/** Renders a post's Markdown source as sanitised HTML. */
export function renderMarkdown(text: string, origin: URL, mentions: MentionLink[]): string {
  const out = build(origin, mentions).parse(text.trim(), { async: false });
  return sanitizeHtml(out);
}
