// Files that are not images, attached in the web composer: a PDF and a
// spreadsheet go up with the post, show as file cards (name, size, type) and
// come back as downloads under their own name with the type we recognised,
// never what the browser claimed. A page (HTML, SVG) or a file whose contents
// contradict its name is refused with the reason and stores nothing; a file
// over the limit comes back to the form with a reason instead of a bare 413.
// A members-only group's file is not handed to someone outside the group.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { PASSWORD, Visitor } from "../helpers/web-visitor.ts";

let a: TestInstance;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
// The first bytes of every OOXML file: a ZIP local header.
const XLSX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(600, 7)]);

beforeAll(async () => {
  a = await startInstance();
  await createUser(a.app.ctx, { username: "root", password: PASSWORD, role: "admin" });
  await createUser(a.app.ctx, { username: "paul", password: PASSWORD });
  await createUser(a.app.ctx, { username: "eve", password: PASSWORD });
  await createGroup(a.app.ctx, "root", { slug: "yard", name: "Yard", visibility: "public", joinPolicy: "open" });
  await createGroup(a.app.ctx, "root", { slug: "board", name: "Board", visibility: "members_only", joinPolicy: "approval" });
  await joinGroup(a.app.ctx, "paul", "yard");
});

afterAll(async () => {
  await a?.close();
});

async function mediaCount(): Promise<number> {
  const row = await a.app.ctx.db
    .selectFrom("media_attachments")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

interface Upload {
  bytes: Buffer;
  name: string;
  /** What the browser claims; our server must not trust it. */
  type?: string;
  alt?: string;
}

async function postFiles(v: Visitor, group: string, content: string, files: Upload[]): Promise<Response> {
  await v.get(`/g/${group}`);
  const form = new FormData();
  form.set("_csrf", v.csrf());
  form.set("content", content);
  files.forEach((f, i) => {
    form.append("image", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/octet-stream" }), f.name);
    if (f.alt) form.set(`alt${i + 1}`, f.alt);
  });
  return fetch(`${a.origin}/g/${group}/posts`, {
    method: "POST",
    body: form,
    headers: { cookie: v.cookie(), referer: `${a.origin}/g/${group}` },
    redirect: "manual",
  });
}

const flashOf = (res: Response) => decodeURIComponent(res.headers.getSetCookie().join(";"));
const fileLinks = (page: string) => [...page.matchAll(/<a class="file-card" href="([^"]+)" download="([^"]*)"/g)].map((m) => ({ href: m[1]!, name: m[2]! }));

describe("files attached in the web composer", () => {
  it("posts a PDF and a spreadsheet as file cards that download under their own names", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const res = await postFiles(v, "yard", "Rates for 2027 attached", [
      { bytes: PDF, name: "rates 2027.pdf", type: "application/pdf", alt: "Signed rate card" },
      // A browser may claim anything; the type served comes from what the file is.
      { bytes: XLSX, name: "Übersicht.xlsx", type: "text/html" },
    ]);
    expect(res.status).toBe(303);
    expect(flashOf(res)).toContain("Posted.");
    const page = (await v.get("/g/yard")).text_;
    const card = page.slice(page.indexOf("Rates for 2027 attached"));
    const links = fileLinks(card).slice(0, 2);
    expect(links.map((l) => l.name)).toEqual(["rates 2027.pdf", "Übersicht.xlsx"]);
    expect(card).toContain("PDF · ");
    expect(card).toContain("Signed rate card");
    expect(card).toMatch(/Spreadsheet · 604 B · Download/);

    const pdf = await fetch(links[0]!.href);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toBe(`attachment; filename="rates 2027.pdf"; filename*=UTF-8''rates%202027.pdf`);
    expect(pdf.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
    const sheet = await fetch(links[1]!.href);
    expect(sheet.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(sheet.headers.get("content-disposition")).toBe(`attachment; filename="_bersicht.xlsx"; filename*=UTF-8''%C3%9Cbersicht.xlsx`);
  });

  it("serves a text file as plain text to download, even when it holds markup", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const markup = Buffer.from("<script>alert(document.cookie)</script>\n");
    expect((await postFiles(v, "yard", "Notes from the call", [{ bytes: markup, name: "notes.txt", type: "text/html" }])).status).toBe(303);
    const page = (await v.get("/g/yard")).text_;
    const [link] = fileLinks(page.slice(page.indexOf("Notes from the call")));
    const res = await fetch(link!.href);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="notes.txt"/);
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
  });

  it("refuses a page, an SVG, or a file that is not what its name says, with the reason, and stores nothing", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const before = await mediaCount();
    const html = await postFiles(v, "yard", "Our landing page", [
      { bytes: PDF, name: "ok.pdf" },
      { bytes: Buffer.from("<html><script>x()</script></html>"), name: "page.html" },
    ]);
    expect(html.status).toBe(303);
    expect(flashOf(html)).toContain("File 2: page.html cannot be attached: only .pdf, .txt");
    const svg = await postFiles(v, "yard", "Our logo", [
      { bytes: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), name: "logo.svg", type: "image/svg+xml" },
    ]);
    expect(flashOf(svg)).toContain("File 1: logo.svg cannot be attached");
    const fake = await postFiles(v, "yard", "The contract", [{ bytes: Buffer.from("MZ\u0000\u0001 not a pdf"), name: "contract.pdf" }]);
    expect(flashOf(fake)).toContain("File 1: contract.pdf is not a real .pdf file");
    expect(await mediaCount()).toBe(before);
    const page = (await v.get("/g/yard")).text_;
    for (const text of ["Our landing page", "Our logo", "The contract"]) expect(page).not.toContain(text);
  });

  it("sends a file over the limit back to the form with the reason, not a bare error", async () => {
    const v = new Visitor(a.origin);
    await v.signIn("paul");
    const before = await mediaCount();
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 10, 0x20)]);
    const res = await postFiles(v, "yard", "The full scan", [{ bytes: big, name: "scan.pdf" }]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/g/yard");
    expect(flashOf(res)).toContain("The file exceeds 10 MiB. Nothing was saved");
    expect(await mediaCount()).toBe(before);
  });

  it("does not hand a members-only group's file to someone outside the group", async () => {
    const root = new Visitor(a.origin);
    await root.signIn("root");
    expect((await postFiles(root, "board", "Board minutes, confidential", [{ bytes: PDF, name: "minutes.pdf" }])).status).toBe(303);
    const page = (await root.get("/g/board")).text_;
    const [link] = fileLinks(page.slice(page.indexOf("Board minutes, confidential")));
    expect(link?.name).toBe("minutes.pdf");
    const postId = /<article class="post" id="post-(\d+)"[\s\S]*?Board minutes, confidential/.exec(page)![1]!;

    const eve = new Visitor(a.origin);
    await eve.signIn("eve");
    // Not in the group's page, the post's page or search, so eve never learns the link…
    expect((await eve.get("/g/board")).text_).not.toContain("minutes.pdf");
    expect((await eve.get(`/p/${postId}`)).status).toBe(404);
    expect((await eve.get("/search?q=minutes")).text_).not.toContain("minutes.pdf");
    // …and a name guessed from the post's media id (without the link's random part) is not there.
    const media = await a.app.ctx.db.selectFrom("media_attachments").select(["id", "file_name"]).where("post_id", "=", postId).executeTakeFirstOrThrow();
    const guessed = await fetch(`${a.origin}/media/${media.id}.pdf`, { headers: { cookie: eve.cookie() } });
    expect(guessed.status).toBe(404);
    const forged = await fetch(`${a.origin}/media/${media.id}-${"0".repeat(32)}.pdf`, { headers: { cookie: eve.cookie() } });
    expect(forged.status).toBe(404);
    // The control: the member's link works.
    expect((await fetch(link!.href)).status).toBe(200);
  });
});
