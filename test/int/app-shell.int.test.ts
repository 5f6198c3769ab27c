// The installable web app: every page links the manifest, the manifest
// installs (name, start URL, standalone, an icon that exists), and the
// service worker is served for the whole site with the offline shell it keeps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstance, type TestInstance } from "../helpers/instances.ts";

describe("installable web app", () => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await startInstance({ runQueueWorkers: false });
  });
  afterAll(() => instance.close());

  it("links a manifest that a phone can install from", async () => {
    const page = await fetch(new URL("/sign-in", instance.origin));
    const text = await page.text();
    expect(text).toContain('<link rel="manifest" href="/manifest.webmanifest">');
    // The page's policy lets the manifest and the worker load.
    expect(page.headers.get("content-security-policy")).toMatch(/manifest-src 'self'/);
    expect(page.headers.get("content-security-policy")).toMatch(/worker-src 'self'/);

    const manifest = await fetch(new URL("/manifest.webmanifest", instance.origin));
    expect(manifest.headers.get("content-type")).toContain("application/manifest+json");
    const body = await manifest.json();
    expect(body).toMatchObject({ name: "Ecotone", start_url: "/", display: "standalone" });
    for (const icon of body.icons) expect((await fetch(new URL(icon.src, instance.origin))).status).toBe(200);
  });

  it("serves the service worker for the whole site, and every file of its shell", async () => {
    const worker = await fetch(new URL("/sw.js", instance.origin));
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toContain("text/javascript");
    const source = await worker.text();
    const shell = JSON.parse(/const SHELL = (\[[^\]]*\])/.exec(source)![1]!) as string[];
    expect(shell).toContain("/offline");
    for (const path of shell) expect((await fetch(new URL(path, instance.origin))).status, path).toBe(200);
    expect(await (await fetch(new URL("/offline", instance.origin))).text()).toContain("You are offline");
  });
});
