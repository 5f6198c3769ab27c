// The real server process, as `npm start` runs it: first start prints how to
// sign in; SIGTERM stops it cleanly; a restart keeps the data; a bad setting
// stops start-up with a message naming it.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/instances.ts";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += String(d)));
  child.stderr.on("data", (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    async until(text: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never saw "${text}" in:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

describe("the server process", () => {
  it("prints the first admin once, stops cleanly on SIGTERM, and restarts on the same data", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ecotone-process-"));
    const port = await freePort();
    const env = { PORT: String(port), ECOTONE_DATA_DIR: dataDir, HOST: "127.0.0.1" };

    const first = start(env);
    await first.until("Ecotone is running");
    // Output piped, as under Docker: the password goes to a 0600 file, not the log stream.
    expect(first.output()).toContain(`An admin account was created: username "admin", its password is in ${join(dataDir, "admin-password.txt")}`);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("stopped cleanly");

    const second = start(env);
    await second.until("Ecotone is running");
    expect(second.output()).not.toContain("An admin account was created");
    const webfinger = await fetch(`http://127.0.0.1:${port}/.well-known/webfinger?resource=acct:admin@localhost:${port}`);
    expect(webfinger.status).toBe(200);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 90_000);

  it("refuses a bad setting and names it", async () => {
    const bad = start({ PORT: "not-a-port", ECOTONE_DATA_DIR: mkdtempSync(join(tmpdir(), "ecotone-bad-")) });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("Invalid PORT");
  });
});
