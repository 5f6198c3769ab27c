// Files in the composer, in a real browser on a desktop and on a 360 px phone
// (dark there): a PDF beside a web page is refused with the reason and what
// was typed comes back; a file over the limit is stopped before anything is
// sent; the PDF alone posts as a file card whose link downloads it under its
// own name. Nothing scrolls sideways, axe finds nothing serious.
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import {
  BROWSER_PASSWORD,
  describeInBrowser,
  expectFlash,
  expectNoSeriousA11yProblems,
  expectNoSidewaysScroll,
  openPage,
  shot,
  signIn,
} from "../helpers/browser.ts";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

let acme: TestInstance;

describeInBrowser("files in the composer, in a browser", (suite) => {
  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: BROWSER_PASSWORD, role: "admin", displayName: "Alice" });
    await createUser(ctx, { username: "paul", password: BROWSER_PASSWORD, displayName: "Paul" });
    await createGroup(ctx, "alice", { slug: "yard", name: "Yard", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "paul", "yard");
  });

  for (const [width, colorScheme] of [
    [1280, "light"],
    [360, "dark"],
  ] as const) {
    it(`attaches a PDF, refuses a web page and an oversized file, and downloads the PDF by name at ${width} px`, async () => {
      const page: Page = await openPage(suite.browser, width, { colorScheme });
      await signIn(page, acme.origin, "paul");
      await page.goto(`${acme.origin}/g/yard`);
      const text = `Dock rota for week ${width}`;
      await page.getByLabel("Write in this group").fill(text);
      await page.getByText("Images and files", { exact: true }).click();
      const input = page.getByLabel(/^Images and files \(up to 4/);

      // Over the limit: stopped in the page, nothing sent, the text stays.
      await input.setInputFiles([{ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25) }]);
      expect(await input.evaluate((el: HTMLInputElement) => el.validationMessage)).toMatch(/scan\.pdf is 10\.0 MB; files are at most 10 MB/);
      await page.getByRole("button", { name: "Post", exact: true }).click();
      expect(new URL(page.url()).pathname).toBe("/g/yard");
      expect(await page.getByLabel("Write in this group").inputValue()).toBe(text);

      // A web page beside the PDF: the server refuses the post and says why; what was typed comes back.
      await input.setInputFiles([
        { name: "rota.pdf", mimeType: "application/pdf", buffer: PDF },
        { name: "page.html", mimeType: "text/html", buffer: Buffer.from("<script>alert(1)</script>") },
      ]);
      await page.getByLabel("Describe file 1 (rota.pdf), if it helps").fill("Signed by both docks");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await expectFlash(page, /File 2: page\.html cannot be attached/);
      expect(await page.getByLabel("Write in this group").inputValue()).toBe(text);
      await expectNoSeriousA11yProblems(page);

      // Files cannot be kept by a page; chosen again, the PDF finds its description waiting.
      await page.getByLabel(/^Images and files \(up to 4/).setInputFiles([{ name: "rota.pdf", mimeType: "application/pdf", buffer: PDF }]);
      expect(await page.getByLabel("Describe file 1 (rota.pdf), if it helps").inputValue()).toBe("Signed by both docks");
      expect(await page.locator(".alt-slot:visible .upload-file").textContent()).toMatch(/^rota\.pdf · 1 KB$/);
      if (width === 360) await shot(page, "composer-file-phone-dark");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await expectFlash(page, "Posted.");

      const card = page.locator("article.post", { hasText: text }).locator(".file-card");
      expect(await card.locator(".file-name").textContent()).toBe("rota.pdf");
      expect(await card.textContent()).toMatch(/PDF · \d+ B · Download/);
      expect(await card.textContent()).toContain("Signed by both docks");
      await expectNoSidewaysScroll(page);
      await expectNoSeriousA11yProblems(page);
      if (width === 1280) await shot(page, "post-with-file");
      const [download] = await Promise.all([page.waitForEvent("download"), card.click()]);
      expect(download.suggestedFilename()).toBe("rota.pdf");
      await page.context().close();
    });
  }
});
