// The real server process, as `npm start` runs it: first start prints how to
// sign in; SIGTERM stops it cleanly; a restart keeps the data; a bad setting
// stops start-up with a message naming it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/instances.ts";
import { startServerProcess } from "../helpers/server-process.ts";

const start = (env: Record<string, string>) => startServerProcess(env);

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
