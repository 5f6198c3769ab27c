// Configuration comes from environment variables (a `.env` file may supply
// defaults; the real environment always wins). A bad value stops start-up with
// a message naming the variable, so an admin never runs on a silent guess.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface Config {
  /** Public origin, e.g. https://social.acme.example; every URI we mint starts with it. */
  origin: URL;
  host: string;
  port: number;
  /** postgres://… when set; otherwise the embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  instanceName: string;
  logLevel: LogLevel;
  /**
   * Allow fetching and delivering to private and loopback addresses. Needed for
   * instances side by side on one machine (tests, `npm run demo`); off by
   * default whenever the origin is https.
   */
  allowPrivateAddresses: boolean;
  /** Maximum size of an incoming ActivityPub body, in bytes. */
  inboxBodyLimit: number;
  /** Deadline for every outbound request (actor fetch, WebFinger, delivery). */
  fetchTimeoutMs: number;
  /** Maximum size of a fetched remote document. */
  fetchMaxBytes: number;
  /** How long a signed GET of a peer's document is reused (0: never); see src/federation/signed-fetch.cache.ts. */
  signedFetchCacheMs: number;
  /** Deadline for a delivery's response head (an inbox answers 202 at once or not at all); see src/federation/delivery-lanes.ts. */
  deliveryHeadTimeoutMs: number;
  /** First delivery retry delay; later retries double it (up to 6 h, 20 attempts). */
  retryInitialDelayMs: number;
  /** Run the delivery/inbox queue workers in this process. */
  runQueueWorkers: boolean;
  /**
   * How long a worker holds a queued message (or outbox event) before another
   * process may take it over: the time a crashed worker's work waits.
   */
  queueLeaseMs: number;
  /**
   * Deliveries in flight at once per process. Deliveries wait on the
   * network, not the CPU: a peer that never answers holds a slot until the
   * deadline, so too few slots let a handful of dead peers stall everyone.
   */
  deliveryConcurrency: number;
  /** Create the first admin on an empty database. */
  bootstrapAdmin: boolean;
  /** Let apps exchange a username and password for a token (OAuth password grant); off by default. */
  oauthPasswordGrant: boolean;
  /** Channels (docs/channels.md): SMTP URL for real mail; unset keeps mail for the Outgoing mail page. */
  smtpUrl: string | undefined;
  /** The From address of every mail. */
  mailFrom: string;
  /** How long a person's notifications must be quiet before they are mailed together. */
  mailBatchMs: number;
  /** A group's home computes and publishes its members' reputation levels at most this often per group. */
  levelsPublishMs: number;
  /** Company sign-in (OpenID Connect), when ECOTONE_OIDC_ISSUER is set. */
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret: string | undefined;
    label: string;
    roleClaim: string;
    audienceClaim: string;
  } | null;
  /** Reply by email: our SMTP listener's port (null: off) and the domain of reply addresses. */
  inboundSmtpPort: number | null;
  replyDomain: string;
  /** Signing in with a username and password; an admin may turn it off once company sign-in works. */
  passwordSignIn: boolean;
  /** The shared secret that signs a provider's inbound-mail webhook calls (unset: the webhook is off). */
  inboundMailSecret: string | undefined;
  /** DKIM signing of outgoing mail (ECOTONE_DKIM_*), or null. */
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`Invalid ${variable}: ${message}`);
    this.variable = variable;
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const merged = { ...readDotEnv(cwd), ...stripEmpty(env) };

  const port = parseInteger(merged, "PORT", 3000, 1, 65535);
  const originText = merged.ECOTONE_ORIGIN ?? `http://localhost:${port}`;
  const origin = parseOrigin(originText);
  const isHttps = origin.protocol === "https:";

  return {
    origin,
    host: merged.HOST ?? "0.0.0.0",
    port,
    databaseUrl: parseDatabaseUrl(merged.DATABASE_URL),
    dataDir: resolve(cwd, merged.ECOTONE_DATA_DIR ?? "./data"),
    instanceName: merged.ECOTONE_INSTANCE_NAME ?? "Ecotone",
    logLevel: parseChoice(merged, "LOG_LEVEL", LOG_LEVELS, "info"),
    allowPrivateAddresses: parseBoolean(merged, "ECOTONE_ALLOW_PRIVATE_ADDRESSES", !isHttps),
    inboxBodyLimit: parseInteger(merged, "ECOTONE_INBOX_BODY_LIMIT", 1_048_576, 1024, 64 * 1_048_576),
    fetchTimeoutMs: parseInteger(merged, "ECOTONE_FETCH_TIMEOUT_MS", 10_000, 100, 120_000),
    fetchMaxBytes: parseInteger(merged, "ECOTONE_FETCH_MAX_BYTES", 2 * 1_048_576, 1024, 64 * 1_048_576),
    signedFetchCacheMs: parseInteger(merged, "ECOTONE_SIGNED_FETCH_CACHE_MS", 30_000, 0, 600_000),
    deliveryHeadTimeoutMs: parseInteger(merged, "ECOTONE_DELIVERY_HEAD_TIMEOUT_MS", 5_000, 100, 120_000),
    retryInitialDelayMs: parseInteger(merged, "ECOTONE_RETRY_INITIAL_MS", 30_000, 100, 3_600_000),
    runQueueWorkers: parseBoolean(merged, "ECOTONE_QUEUE_WORKERS", true),
    queueLeaseMs: parseInteger(merged, "ECOTONE_QUEUE_LEASE_MS", 120_000, 1_000, 3_600_000),
    deliveryConcurrency: parseInteger(merged, "ECOTONE_DELIVERY_CONCURRENCY", 256, 1, 1_000),
    bootstrapAdmin: parseBoolean(merged, "ECOTONE_BOOTSTRAP_ADMIN", true),
    oauthPasswordGrant: parseBoolean(merged, "ECOTONE_OAUTH_PASSWORD_GRANT", false),
    smtpUrl: parseSmtpUrl(merged.ECOTONE_SMTP_URL),
    mailFrom: merged.ECOTONE_MAIL_FROM ?? `"${merged.ECOTONE_INSTANCE_NAME ?? "Ecotone"}" <notifications@${origin.hostname}>`,
    mailBatchMs: parseInteger(merged, "ECOTONE_MAIL_BATCH_MS", 120_000, 0, 86_400_000),
    levelsPublishMs: parseInteger(merged, "ECOTONE_LEVELS_PUBLISH_MS", 600_000, 1_000, 86_400_000),
    oidc: parseOidc(merged),
    passwordSignIn: parseBoolean(merged, "ECOTONE_PASSWORD_SIGN_IN", true),
    inboundSmtpPort: merged.ECOTONE_INBOUND_SMTP_PORT === undefined ? null : parseInteger(merged, "ECOTONE_INBOUND_SMTP_PORT", 2525, 0, 65535),
    replyDomain: merged.ECOTONE_REPLY_DOMAIN ?? origin.hostname,
    inboundMailSecret: parseInboundSecret(merged.ECOTONE_INBOUND_MAIL_SECRET),
    dkim: parseDkim(merged, cwd),
  };
}

function parseInboundSecret(text: string | undefined): string | undefined {
  if (text !== undefined && text.length < 32) {
    throw new ConfigError(
      "ECOTONE_INBOUND_MAIL_SECRET",
      "must be at least 32 characters (e.g. `openssl rand -hex 32`): it is all that authenticates inbound mail",
    );
  }
  return text;
}

function parseDkim(env: Env, cwd: string): Config["dkim"] {
  const domainName = env.ECOTONE_DKIM_DOMAIN;
  if (domainName === undefined) return null;
  const keySelector = env.ECOTONE_DKIM_SELECTOR;
  if (!keySelector)
    throw new ConfigError("ECOTONE_DKIM_SELECTOR", "is needed with ECOTONE_DKIM_DOMAIN: the selector of the DNS record <selector>._domainkey.<domain>");
  const file = env.ECOTONE_DKIM_PRIVATE_KEY_FILE;
  // A key in the variable may have its line breaks written as \n (one-line environment files).
  const privateKey = file ? readFileSync(resolve(cwd, file), "utf8") : env.ECOTONE_DKIM_PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (!privateKey?.includes("PRIVATE KEY")) {
    throw new ConfigError("ECOTONE_DKIM_PRIVATE_KEY", "is needed with ECOTONE_DKIM_DOMAIN: the PEM private key (or ECOTONE_DKIM_PRIVATE_KEY_FILE, its path)");
  }
  return { domainName, keySelector, privateKey };
}

function stripEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
}

/** Minimal `.env` reader: KEY=value lines, `#` comments, optional quotes. */
function readDotEnv(cwd: string): Env {
  const path = resolve(cwd, ".env");
  if (!existsSync(path)) return {};
  const result: Env = {};
  for (const rawLine of readFileSync(path, "utf8").split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    result[key] = value;
  }
  return result;
}

function parseOrigin(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError("ECOTONE_ORIGIN", `"${text}" is not a URL; use e.g. https://social.example.com`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("ECOTONE_ORIGIN", `must start with http:// or https://, got "${text}"`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new ConfigError("ECOTONE_ORIGIN", `must be an origin without a path, got "${text}"`);
  }
  return new URL(url.origin);
}

function parseDatabaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//.test(text)) {
    throw new ConfigError("DATABASE_URL", "must start with postgres:// or postgresql://; leave it unset to use the embedded database");
  }
  return text;
}

function parseOidc(env: Env): Config["oidc"] {
  const issuer = env.ECOTONE_OIDC_ISSUER;
  if (issuer === undefined) return null;
  if (!/^https?:\/\/[^/]/.test(issuer))
    throw new ConfigError("ECOTONE_OIDC_ISSUER", `"${issuer}" is not the identity provider's issuer URL (e.g. https://login.acme.example/realms/acme)`);
  const clientId = env.ECOTONE_OIDC_CLIENT_ID;
  if (!clientId) throw new ConfigError("ECOTONE_OIDC_CLIENT_ID", "is needed with ECOTONE_OIDC_ISSUER: the client id the identity provider gave Ecotone");
  return {
    issuer,
    clientId,
    clientSecret: env.ECOTONE_OIDC_CLIENT_SECRET,
    label: env.ECOTONE_OIDC_LABEL ?? "your company account",
    roleClaim: env.ECOTONE_OIDC_ROLE_CLAIM ?? "roles",
    audienceClaim: env.ECOTONE_OIDC_AUDIENCE_CLAIM ?? "ecotone_audience",
  };
}

function parseSmtpUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^smtps?:\/\/[^/]/.test(text)) {
    throw new ConfigError(
      "ECOTONE_SMTP_URL",
      "must look like smtp://user:password@mail.example:587 or smtps://…:465; leave it unset to keep mail on the Outgoing mail page",
    );
  }
  return text;
}

function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(name, `"${text}" is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(name, `${value} is outside ${min}–${max}`);
  return value;
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const text = env[name]?.toLowerCase();
  if (text === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(text)) return true;
  if (["0", "false", "no", "off"].includes(text)) return false;
  throw new ConfigError(name, `"${env[name]}" is not a boolean; use true or false`);
}

function parseChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const text = env[name];
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(name, `"${text}" is not one of ${choices.join(", ")}`);
  }
  return text as T;
}
