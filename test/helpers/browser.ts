// What the browser tests share: one suite shape (describeInBrowser: Chromium
// launched once, instances named as companies, both closed after); Debian's
// Chromium, launched one way; a page
// at a width and theme; signing in through the form; axe-core injected
// through the DevTools protocol (the page's CSP rightly refuses a script
// tag), a check that nothing is wider than the viewport, and screenshots.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { Config } from "../../src/config.ts";
import { startInstance, type TestInstance } from "./instances.ts";

export const SHOTS = resolve(import.meta.dirname, "../../docs/screenshots");

/** The organizations a browser test's instances are, in the order they start. */
export const ORGANIZATIONS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli"] as const;
let started = 0;

/**
 * An instance for a browser test under its own organization name (the first
 * Acme, the next Globex, …): instances that all defaulted to "Ecotone" showed
 * each other as "Ecotone (localhost:…)", in the screenshots too.
 */
function startBrowserInstance(overrides: Partial<Config> = {}): Promise<TestInstance> {
  return startInstance({ instanceName: ORGANIZATIONS[started++ % ORGANIZATIONS.length], ...overrides });
}

function findChromium(): string | null {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || null;
    } catch {
      // not this one
    }
  }
  return null;
}

/** What a browser test's body gets from describeInBrowser. */
export interface BrowserSuite {
  /** Chromium, launched before the body's own beforeAll runs. */
  readonly browser: Browser;
  /** An instance under the next company name (startBrowserInstance), closed after the suite. */
  instance(overrides?: Partial<Config>): Promise<TestInstance>;
  /** A fresh page (its own cookies) at this width, signed in through the form as this person. */
  signedIn(origin: string, username: string, width: number, options?: PageOptions): Promise<Page>;
}

/**
 * A browser test's describe: skipped only where no Chromium is installed (the
 * suite runs wherever it is, CI included), with the screenshot folder made,
 * the browser launched and everything it started closed afterwards.
 */
export function describeInBrowser(name: string, body: (suite: BrowserSuite) => void): void {
  describe.skipIf(!findChromium())(name, () => {
    let browser: Browser | undefined;
    const instances: TestInstance[] = [];
    // Hooks run in the order they are declared and after-hooks in reverse: this
    // launch comes before the body's setup, this close after its own teardown.
    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await Promise.all(instances.map((instance) => instance.close()));
    });
    const suite: BrowserSuite = {
      get browser() {
        if (!browser) throw new Error("the browser starts in beforeAll");
        return browser;
      },
      async instance(overrides) {
        const instance = await startBrowserInstance(overrides);
        instances.push(instance);
        return instance;
      },
      async signedIn(origin, username, width, options) {
        const page = await openPage(suite.browser, width, options);
        await signIn(page, origin, username);
        return page;
      },
    };
    body(suite);
  });
}

/** The password the browser tests give the people they create. */
export const BROWSER_PASSWORD = "correct horse battery staple";

/** Headless Chromium as every browser test runs it (findChromium() must have found it). */
async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium()!,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface PageOptions {
  height?: number;
  colorScheme?: "light" | "dark";
}

/** A fresh page (its own cookies) at this width, in this theme ("light" unless told). */
export async function openPage(browser: Browser, width: number, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: options.height ?? 900 }, colorScheme: options.colorScheme ?? "light" });
  return context.newPage();
}

/** Signs in through the form, as a person would, and waits for the home page. */
export async function signIn(page: Page, origin: string, username: string, password = BROWSER_PASSWORD): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${origin}/`);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical findings (colour contrast below 4.5:1 among them) must be none. */
export async function expectNoSeriousA11yProblems(page: Page) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> };
      }
    ).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  expect(
    violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
    page.url(),
  ).toEqual([]);
}

/** No element reaches past the right edge, and the page does not scroll sideways. */
export async function expectNoSidewaysScroll(page: Page) {
  const wide = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || getComputedStyle(el).visibility === "hidden") continue;
      // Content inside its own scrolling box (a wide code block) scrolls there, not the page.
      let scroller = el.parentElement;
      let clipped = false;
      while (scroller && scroller !== document.body) {
        if (/(auto|scroll|hidden)/.test(getComputedStyle(scroller).overflowX)) clipped = true;
        scroller = scroller.parentElement;
      }
      if (!clipped && box.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)} > ${width})`);
    }
    return { out: out.slice(0, 5), scroll: document.documentElement.scrollWidth - width };
  });
  expect(wide.out, page.url()).toEqual([]);
  expect(wide.scroll, page.url()).toBeLessThanOrEqual(0);
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

export async function expectFlash(page: Page, text: RegExp | string) {
  await expect.poll(async () => page.locator("#status").textContent(), { timeout: 15_000 }).toMatch(text);
}
