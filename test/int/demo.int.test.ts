// `npm run demo` as a newcomer runs it: three instances come up, the
// networks are seeded across instances, the guide is printed, and the demo
// stops cleanly (ECOTONE_DEMO_EXIT=1 stops it right after seeding).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const DEMO = resolve(import.meta.dirname, "../../src/demo.ts");

describe("npm run demo", () => {
  it("seeds three companies with posts crossing instances, prints how to sign in, and exits cleanly", async () => {
    // Below the ephemeral range (32768+) the other tests draw their ports from.
    const basePort = 20_000 + Math.floor(Math.random() * 10_000);
    const child = spawn(process.execPath, [DEMO], {
      env: {
        ...process.env,
        DATABASE_URL: "",
        ECOTONE_DEMO_DIR: mkdtempSync(join(tmpdir(), "ecotone-demo-")),
        ECOTONE_DEMO_BASE_PORT: String(basePort),
        ECOTONE_DEMO_EXIT: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += String(d)));
    child.stderr.on("data", (d) => (output += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(output).toContain("Seeding the three networks");
    expect(code, output).toBe(0);
    for (const handle of ["@alice@localhost", "@gina@localhost", "@ivan@localhost"]) expect(output).toContain(handle);
    expect(output).toMatch(/token: [\w-]{40,}/);
    // Companies are organizations with relationships, not words in display names.
    expect(output).toContain("Acme Corp  http://localhost:");
    expect(output).toContain("(its partners: Globex: supplier, Initech: customer)");
    expect(output).toContain("Bob Baker, Buyer at Acme Corp");
    expect(output).not.toContain("(Acme, buyer)");
    // The shared task board crossed instances: Gina at Globex accepted Acme's assignment.
    expect(output).toContain("Gina (Globex) has 1 task(s), 1 overdue; Bob (Acme) has 1.");
    expect(output).toContain("Stopped cleanly");
  }, 300_000);
});
