// The real server process, as `npm start` runs it with its output piped (as
// under Docker or systemd): for tests of start-up, shutdown and what the
// process writes to disk and to its output.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");

export interface ServerProcess {
  child: ReturnType<typeof spawn>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Waits until the output contains `text`; fails early if the process exits. */
  until(text: string, timeoutMs?: number): Promise<void>;
}

/** Starts src/main.ts on PGlite (DATABASE_URL cleared) with `env` on top of this process's. */
// Start-up runs every migration on a fresh PGlite: on a loaded machine that takes a while, so the wait is generous.
export function startServerProcess(env: Record<string, string>, defaultTimeoutMs = 150_000): ServerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += String(d)));
  child.stderr.on("data", (d) => (output += String(d)));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    exited,
    output: () => output,
    async until(text: string, timeoutMs = defaultTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never saw "${text}" in:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
