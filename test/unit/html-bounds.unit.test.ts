// The linear bounds in front of sanitize-html (src/services/html.ts).
import { describe, expect, it } from "vitest";
import { MAX_HTML_DEPTH, nestsDeeperThan, sanitizeHtml, stripHtml, textOfSanitized } from "../../src/services/html.ts";

describe("nestsDeeperThan", () => {
  it("counts open tags, ignores void and self-closing ones, and treats a sibling <p> or <li> as closing the previous one", () => {
    expect(nestsDeeperThan("<b>".repeat(5), 4)).toBe(true);
    expect(nestsDeeperThan("<b>".repeat(4), 4)).toBe(false);
    expect(nestsDeeperThan("<p><b>x</b></p>".repeat(1000), 4)).toBe(false);
    expect(nestsDeeperThan("<br>".repeat(1000) + "<img src=x/>".repeat(1000), 4)).toBe(false);
    expect(nestsDeeperThan("<ul>" + "<li>item".repeat(1000) + "</ul>", 4)).toBe(false);
    expect(nestsDeeperThan("<p>one<p>two<p>three", 2)).toBe(false);
  });

  it("stays linear on unterminated tags", () => {
    const started = performance.now();
    expect(nestsDeeperThan("<a".repeat(200_000), MAX_HTML_DEPTH)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("sanitizeHtml and stripHtml bounds", () => {
  it("keeps the text of over-deep markup, escaped, and the markup of ordinary HTML", () => {
    const deep = "<i>".repeat(MAX_HTML_DEPTH + 1) + "a &lt;b&gt; &amp; c<script>alert(1)</script>";
    expect(sanitizeHtml(deep)).toBe("a &lt;b&gt; &amp; c alert(1)");
    expect(stripHtml(deep)).toBe("a <b> & c alert(1)");
    expect(sanitizeHtml("<p>Hi <em>there</em></p>")).toBe("<p>Hi <em>there</em></p>");
  });

  it("cuts long input before sanitizing, never in the middle of a tag", () => {
    expect(sanitizeHtml('<p>hello</p><a href="https://x.example/">link</a>', 15)).toBe("<p>hello</p>");
    expect(sanitizeHtml("x".repeat(50), 10)).toBe("x".repeat(10));
  });

  it("reads the text of sanitized HTML without a second sanitizer pass", () => {
    expect(textOfSanitized("<p>One &amp; two</p><p>three<br>four</p>")).toBe("One & two\nthree\nfour");
  });
});
