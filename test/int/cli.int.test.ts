// The admin CLI as a real child process: through a running server's admin
// socket (PGlite admits one process), and directly when no server runs.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { startAdminSocket } from "../../src/cli/admin-socket.server.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { authenticateToken } from "../../src/services/accounts/token.service.ts";
import { getUserByUsername } from "../../src/services/accounts/user.service.ts";

const run = promisify(execFile);
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");

let dataDir: string;
let handle: DatabaseHandle;
let ctx: ServiceContext;
let socket: { close(): Promise<void> };

function ecotone(args: string[], dir = dataDir) {
  const env: NodeJS.ProcessEnv = { ...process.env, ECOTONE_DATA_DIR: dir, PORT: "3998" };
  delete env.DATABASE_URL;
  return run(process.execPath, [CLI, ...args], { env, timeout: 60_000 });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "ecotone-cli-"));
  handle = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrateToLatest(handle.db);
  ctx = {
    db: handle.db,
    database: handle,
    origin: new URL("http://localhost:3998"),
    instanceName: "Test",
    logger: { info() {}, warn() {}, error() {}, debug() {} },
  };
  socket = await startAdminSocket(ctx, join(dataDir, "ecotone.sock"));
});

afterAll(async () => {
  await socket?.close();
  await handle?.close();
});

describe("ecotone CLI while the server runs on PGlite", () => {
  it("creates a user inside the running server's database", async () => {
    const { stdout } = await ecotone(["user", "create", "bob", "--password", "bob's long password", "--audience", "supplier"]);
    expect(stdout).toContain("@bob@localhost:3998");
    const bob = await getUserByUsername(ctx, "bob");
    expect(bob?.audience).toBe("supplier");
  });

  it("prints a generated password when none is given", async () => {
    const { stdout } = await ecotone(["user", "create", "carol"]);
    expect(stdout).toMatch(/Password: \S{16,}/);
  });

  it("mints a token the server accepts", async () => {
    const { stdout } = await ecotone(["token", "create", "bob", "--scopes", "read write follow"]);
    const auth = await authenticateToken(ctx, stdout.trim());
    expect(auth?.user.username).toBe("bob");
    expect(auth?.scopes).toEqual(["read", "write", "follow"]);
  });

  it("lists users and changes a role", async () => {
    await ecotone(["user", "set-role", "bob", "moderator"]);
    const { stdout } = await ecotone(["user", "list"]);
    expect(stdout).toMatch(/bob\tmoderator\tsupplier/);
  });

  it("explains mistakes and exits non-zero", async () => {
    await expect(ecotone(["user", "set-role", "bob", "king"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Role "king" is not one of'),
    });
    await expect(ecotone(["frobnicate"])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Commands:") });
  });
});

describe("ecotone CLI with no server running", () => {
  it("opens the database itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecotone-cli-offline-"));
    await ecotone(["user", "create", "dave", "--password", "dave's long password"], dir);
    const { stdout } = await ecotone(["user", "list"], dir);
    expect(stdout).toContain("dave");
  });
});
