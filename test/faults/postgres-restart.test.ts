// The PostgreSQL server restarts while people post: the instance reconnects
// by itself, refuses what it cannot store with a clear error (never a hang or
// a crash), and loses nothing it accepted.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, freePort } from "../helpers/instances.ts";
import { startOwnPostgres, type OwnPostgres } from "../helpers/own-postgres.ts";

const MAIN = resolve(import.meta.dirname, "../../src/main.ts");
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");
const pg: OwnPostgres | null = await startOwnPostgres();
let server: ChildProcess | null = null;

async function cli(env: Record<string, string>, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  if ((await new Promise((done) => child.on("exit", done))) !== 0) throw new Error(out);
  return out;
}

afterAll(() => {
  if (server?.exitCode === null) server.kill("SIGKILL");
  pg?.stop();
});

describe.skipIf(!pg)("PostgreSQL restarted under load", () => {
  it("reconnects by itself and keeps every post it accepted", async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const env = {
      DATABASE_URL: pg!.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      ECOTONE_ORIGIN: origin,
      ECOTONE_DATA_DIR: mkdtempSync(join(tmpdir(), "ecotone-pgr-")),
      ECOTONE_BOOTSTRAP_ADMIN: "false",
      LOG_LEVEL: process.env.DEBUG_PGR ? "info" : "fatal",
    };
    server = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
    let serverOutput = "";
    server.stdout!.on("data", (d) => (serverOutput = (serverOutput + String(d)).slice(-4000)));
    server.stderr!.on("data", (d) => (serverOutput = (serverOutput + String(d)).slice(-4000)));
    await eventually(async () => (await fetch(`${origin}/.well-known/nodeinfo`)).ok, 30_000);
    await cli(env, ["user", "create", "olga", "--password", "correct horse battery staple"]);
    const token = /([\w-]{40,})/.exec(await cli(env, ["token", "create", "olga", "--scopes", "read write"]))![1]!;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${origin}/api/ecotone/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    expect((await call("POST", "/groups", { slug: "ops" })).status).toBe(201);

    const accepted: string[] = [];
    const refused: number[] = [];
    const refusals: Array<{ status: number; message: string }> = [];
    let restartedAt = Infinity;
    let stop = false;
    const load = (async () => {
      for (let n = 0; !stop; n++) {
        const started = Date.now();
        const res = await call("POST", "/posts", { group: "ops", content: `reading ${n}` }).catch(() => null);
        if (res?.status === 201) accepted.push(((await res.json()) as { id: string }).id);
        else {
          refused.push(started);
          // A refusal says what went wrong, as JSON.
          const message = res ? ((await res.json()) as { error?: { message?: string } }).error?.message : "no answer";
          if (process.env.DEBUG_PGR) console.log(res?.status, message);
          refusals.push({ status: res?.status ?? 0, message: message ?? "" });
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    // Generous deadlines: the rest of the suite may be running beside this test.
    await eventually(() => accepted.length >= 10, 60_000);
    await pg!.restart();
    restartedAt = Date.now();
    const acceptedBeforeRecovery = accepted.length;
    await eventually(() => accepted.length >= acceptedBeforeRecovery + 10, 60_000).catch((error: Error) => {
      throw new Error(
        `no recovery after the restart: ${refusals.length} refusals, last ${JSON.stringify(refusals.at(-1))}, server exit code ${server?.exitCode} (${error.message})\n${serverOutput}`,
      );
    });
    stop = true;
    await load;

    expect(server.exitCode).toBeNull(); // still running
    // During the outage the API said so plainly: 503, "try again", never a hang.
    expect(refusals.every((r) => r.status === 503 && /database is unavailable/.test(r.message))).toBe(true);
    // Once the server is back, posting works again without any help.
    expect(refused.filter((t) => t > restartedAt + 2_000)).toEqual([]);
    for (const id of accepted) expect((await call("GET", `/posts/${id}`)).status, id).toBe(200);
  }, 180_000);
});
