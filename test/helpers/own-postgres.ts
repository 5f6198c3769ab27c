// A private PostgreSQL server for a test that must stop or restart it (which
// the shared CI server cannot allow). Debian's server binaries run as the
// `postgres` user (postgres refuses root) on a temporary directory and a free
// loopback port. Null when no server binaries are installed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./instances.ts";

export interface OwnPostgres {
  url: string;
  /** Restarts the server (fast shutdown: open connections are cut), without blocking the caller's event loop. */
  restart(): Promise<void>;
  stop(): void;
}

function serverBinaries(): string | null {
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (existsSync(join(dir, "initdb"))) return dir;
  } catch {
    // no pg_config
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    if (existsSync(join(root, version, "bin", "initdb"))) return join(root, version, "bin");
  }
  return null;
}

export async function startOwnPostgres(): Promise<OwnPostgres | null> {
  const bin = serverBinaries();
  if (!bin) return null;
  const asRoot = userInfo().uid === 0;
  if (asRoot && spawnSync("id", ["postgres"]).status !== 0) return null;
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  const dir = mkdtempSync("/tmp/ecotone-own-pg-");
  if (asRoot)
    chownSync(dir, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })));
  chmodSync(dir, 0o700);
  const port = await freePort();
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      const args = [join(bin, "pg_ctl"), "-D", data, "-l", join(dir, "server.log"), "-w", "-t", "60", "-m", "fast", "-o", options, "restart"];
      const child = asRoot ? spawn("runuser", ["-u", "postgres", "--", ...args], { stdio: "ignore" }) : spawn(args[0]!, args.slice(1), { stdio: "ignore" });
      const code = await new Promise<number | null>((done) => child.on("exit", done));
      if (code !== 0) throw new Error(`pg_ctl restart exited with ${code}`);
    },
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
