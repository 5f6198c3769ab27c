// Issue 11, class 11 (local files), and the first admin's password (class
// 10): the real server process, as `npm start` runs it with its output piped
// (as under Docker or systemd). Another local account must not be able to
// read the database (private keys, password hashes) or the password, and the
// password must not be in the output that log collectors keep.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/instances.ts";
import { startServerProcess } from "../helpers/server-process.ts";
import { Visitor } from "../helpers/web-visitor.ts";

const start = (env: Record<string, string>) => startServerProcess(env);

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): Array<{ path: string; mode: number; isDir: boolean }> {
  const stat = lstatSync(dir);
  const here = [{ path: dir, mode: stat.mode & 0o777, isDir: stat.isDirectory() }];
  if (!stat.isDirectory()) return here;
  return [...here, ...readdirSync(dir).flatMap((entry) => modes(join(dir, entry)))];
}

describe("the data directory and the first admin's password", () => {
  it("keeps every file 0600 and directory 0700 (old loose files included), and the password out of the output", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ecotone-data-dir-"));
    // What an older release left: a world-writable directory and a readable file.
    chmodSync(dataDir, 0o777);
    mkdirSync(join(dataDir, "media"), { mode: 0o777 });
    chmodSync(join(dataDir, "media"), 0o777);
    writeFileSync(join(dataDir, "media", "old-upload.png"), "x", { mode: 0o666 });
    chmodSync(join(dataDir, "media", "old-upload.png"), 0o666);

    const port = await freePort();
    const server = start({ PORT: String(port), ECOTONE_DATA_DIR: dataDir, HOST: "127.0.0.1" });
    try {
      await server.until("Ecotone is running");
      await server.until("An admin account was created");
      const entries = modes(dataDir);
      expect(entries.filter((e) => e.path.includes("pglite")).length).toBeGreaterThan(10);
      const loose = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} ${e.mode.toString(8)}`);
      expect(loose).toEqual([]);
      for (const entry of entries) expect([entry.path, entry.mode]).toEqual([entry.path, entry.isDir ? 0o700 : entry.mode & 0o700]);

      const file = join(dataDir, "admin-password.txt");
      expect(lstatSync(file).mode & 0o777).toBe(0o600);
      const password = readFileSync(file, "utf8").trim();
      expect(password.length).toBeGreaterThanOrEqual(16);
      expect(server.output()).not.toContain(password);
      expect(server.output()).toContain(file);
      // Control: the password in the file signs the admin in.
      const admin = new Visitor(`http://127.0.0.1:${port}`);
      expect((await admin.signIn("admin", password)).status).toBe(303);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 240_000);
});
