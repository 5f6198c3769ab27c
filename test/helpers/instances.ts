// Starts real Ecotone instances on loopback ports in this test process, each
// with its own database and origin, talking over real HTTP with real
// signatures.
import { createServer } from "node:net";
import { pino } from "pino";
import { createApp, type EcotoneApp } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { createUser } from "../../src/services/accounts/user.service.ts";
import { createToken } from "../../src/services/accounts/token.service.ts";
import { hashPassword } from "../../src/services/accounts/password.ts";
import { updateUser } from "../../src/db/repos/user.repo.ts";
import { openTestDatabase } from "./test-database.ts";
import { PASSWORD } from "./web-visitor.ts";

// The instances install a deadline on the process's global fetch; the test
// client keeps the original so a test can outlast an instance's deadline.
const clientFetch = globalThis.fetch;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// A production-strength scrypt hash costs about half a second of a core, and
// every helper-made user has the same password: hash it once per test process
// and store that hash (a real one, which sign-in verifies as usual).
let testPasswordHash: Promise<string> | undefined;

export interface TestUser {
  username: string;
  token: string;
  handle: string;
  uri: string;
}

export interface TestInstance {
  app: EcotoneApp;
  origin: string;
  host: string;
  /** Creates a local user and a token with all scopes. */
  user(username: string, options?: { locked?: boolean; scopes?: string }): Promise<TestUser>;
  /** Calls this instance's API as a user (or anonymously). */
  api(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Stops the instance (its database survives); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startInstance(overrides: Partial<Config> = {}): Promise<TestInstance> {
  const port = await freePort();
  const config: Config = {
    ...loadConfig({ PORT: String(port), ECOTONE_ORIGIN: `http://localhost:${port}` }, "/nonexistent"),
    host: "127.0.0.1",
    dataDir: "memory://",
    bootstrapAdmin: false,
    allowPrivateAddresses: true,
    // Retries start fast so a test can watch a peer come back.
    retryInitialDelayMs: 500,
    ...overrides,
  };
  const database = await openTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  let app = await createApp(config, { database, logger, keepDatabaseOpen: true });
  await app.start();
  const origin = config.origin.origin;
  let closed = false;
  let running = true;
  return {
    get app() {
      return app;
    },
    origin,
    host: config.origin.host,
    async user(username, options = {}) {
      const created = await createUser(app.ctx, { username, locked: options.locked ?? false });
      testPasswordHash ??= hashPassword(PASSWORD);
      await updateUser(app.ctx.db, created.id, { password_hash: await testPasswordHash });
      const token = await createToken(app.ctx, username, { scopes: options.scopes ?? "read write follow" });
      return { username, token, handle: `@${username}@${config.origin.host}`, uri: created.uri };
    },
    async api(token, method, path, body) {
      const response = await clientFetch(new URL(path, origin), {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON; keep the text
      }
      return { status: response.status, body: parsed };
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.close();
    },
    async start() {
      if (running) return;
      app = await createApp(config, { database, logger, keepDatabaseOpen: true });
      await app.start();
      running = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (running) await app.close();
      running = false;
      await database.close();
    },
  };
}

export async function startInstances(count: number): Promise<TestInstance[]> {
  const instances: TestInstance[] = [];
  for (let i = 0; i < count; i++) instances.push(await startInstance());
  return instances;
}

/** One instance with these local users (tokens with all scopes): the usual start of a one-instance API test. */
export async function startInstanceWithUsers<N extends string>(...usernames: N[]): Promise<{ instance: TestInstance; users: Record<N, TestUser> }> {
  const instance = await startInstance();
  const users = {} as Record<N, TestUser>;
  for (const name of usernames) users[name] = await instance.user(name);
  return { instance, users };
}

/**
 * Polls until `check` stops throwing (or returns truthy), or fails with its last error.
 * The default wait is long because CI runs the whole suite on two shared cores: a
 * delivery that meets one retry under that load takes well over 15 s, and a
 * passing check returns as soon as it passes, so only failures pay for the margin.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value;
      lastError = new Error(`check returned ${String(value)}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw lastError;
}
