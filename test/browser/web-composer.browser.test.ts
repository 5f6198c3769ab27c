// The composer in a real browser, on a desktop and on a small phone: several
// images, each previewed beside its own description field, one taken out
// again before posting; and, while a member types a question in a group,
// answered questions like it appear under the composer.
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { TestInstance } from "../helpers/instances.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createGroup, joinGroup } from "../../src/services/groups/group.service.ts";
import { createPost } from "../../src/services/posts/post.service.ts";
import { askQuestion } from "../../src/services/ideas/question.service.ts";
import { BROWSER_PASSWORD, describeInBrowser, expectFlash, expectNoSeriousA11yProblems, expectNoSidewaysScroll, shot } from "../helpers/browser.ts";

const PASSWORD = BROWSER_PASSWORD;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let acme: TestInstance;

describeInBrowser("the composer in a browser", (suite) => {
  const signedIn = (username: string, width: number): Promise<Page> => suite.signedIn(acme.origin, username, width, { height: 860 });

  beforeAll(async () => {
    acme = await suite.instance();
    const ctx = acme.app.ctx;
    await createUser(ctx, { username: "alice", password: PASSWORD, role: "admin", displayName: "Alice" });
    await createUser(ctx, { username: "paul", password: PASSWORD, displayName: "Paul" });
    await createGroup(ctx, "alice", { slug: "support", name: "Support", visibility: "public", joinPolicy: "open" });
    await joinGroup(ctx, "paul", "support");
    const q = await askQuestion(ctx, "alice", { group: "support", content: "How do I export the shipping report as CSV?" });
    await createPost(ctx, "paul", { content: "Reports → Shipping → Export, then choose CSV.", inReplyTo: q.id });
  });

  for (const width of [1280, 360]) {
    it(`posts two of three chosen images, each with its description, at ${width} px`, async () => {
      const page = await signedIn("paul", width);
      await page.goto(`${acme.origin}/g/support`);
      await page.getByLabel("Write in this group").fill(`Pallets at ${width}`);
      await page.getByText("Images and files", { exact: true }).click();
      // Before any is chosen, no empty description fields are shown.
      expect(await page.locator(".alt-slot:visible").count()).toBe(0);
      await page.getByLabel(/^Images and files \(up to 4/).setInputFiles([
        { name: "front.png", mimeType: "image/png", buffer: PNG },
        { name: "blurry.png", mimeType: "image/png", buffer: PNG },
        { name: "side.png", mimeType: "image/png", buffer: PNG },
      ]);
      expect(await page.locator(".alt-slot:visible .upload-preview").count()).toBe(3);
      await page.getByLabel("Describe image 1 (front.png) for people who cannot see it").fill("Pallets stacked two high");
      await page.getByLabel("Describe image 2 (blurry.png) for people who cannot see it").fill("Out of focus");
      await page.getByLabel("Describe image 3 (side.png) for people who cannot see it").fill("Pallets from the side, wrapped");
      await page.getByRole("button", { name: "Remove image 2" }).click();
      // The third moved up with its description.
      expect(await page.getByLabel("Describe image 2 (side.png) for people who cannot see it").inputValue()).toBe("Pallets from the side, wrapped");
      expect(await page.locator(".alt-slot:visible").count()).toBe(2);
      await expectNoSidewaysScroll(page);
      await expectNoSeriousA11yProblems(page);
      if (width === 360) await shot(page, "composer-images-phone");
      await page.getByRole("button", { name: "Post", exact: true }).click();
      await expectFlash(page, "Posted.");
      const post = page.locator("article.post", { hasText: `Pallets at ${width}` });
      expect(await post.locator(".attachments img").evaluateAll((imgs) => imgs.map((i) => i.getAttribute("alt")))).toEqual([
        "Pallets stacked two high",
        "Pallets from the side, wrapped",
      ]);
      await page.context().close();
    });
  }

  it("suggests an answered question while a member writes a similar one", async () => {
    const page = await signedIn("paul", 1280);
    await page.goto(`${acme.origin}/g/support`);
    await page.getByLabel("Ask as a question").check();
    await page.getByLabel("Write in this group").pressSequentially("Can I export the shipping report to Excel", { delay: 10 });
    const box = page.locator(".similar-questions");
    await box.getByRole("link", { name: "How do I export the shipping report as CSV?" }).waitFor({ timeout: 15_000 });
    expect(await box.textContent()).toContain("1 answer");
    await shot(page, "composer-similar-questions");
    await expectNoSeriousA11yProblems(page);
    // Unticked and without a question mark it is not a question: the suggestions go.
    await page.getByLabel("Ask as a question").uncheck();
    await expect.poll(() => box.isVisible()).toBe(false);
    await page.context().close();
  });
});
