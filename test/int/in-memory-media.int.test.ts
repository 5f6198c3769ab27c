// An in-memory instance (the tests, the demo) keeps uploads in a temporary
// directory of its own, and removes it when it closes: a test run used to
// leave one /tmp/ecotone-media-* directory per instance behind.
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startInstance } from "../helpers/instances.ts";

describe("an in-memory instance's media directory", () => {
  it("holds the uploads while the instance runs and is gone once it closes", async () => {
    const instance = await startInstance();
    const mediaDir = instance.app.ctx.mediaDir!;
    const owner = await instance.user("owner");
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const form = new FormData();
    form.append("file", new Blob([png], { type: "image/png" }), "dot.png");
    const upload = await fetch(`${instance.origin}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${owner.token}` }, body: form });
    expect(upload.status).toBeLessThan(300);
    expect(readdirSync(mediaDir, { recursive: true }).length).toBeGreaterThan(0);

    await instance.close();
    expect(existsSync(mediaDir)).toBe(false);
  });
});
