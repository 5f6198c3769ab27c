// `npm start`: one instance, configured from the environment.
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createApp } from "./app.ts";
import { makeDataDirPrivate } from "./db/data-dir.ts";
import { deliverFirstAdminPassword } from "./first-admin.ts";

// Everything this process creates (database files, media, the admin socket,
// the first admin's password file) is readable by its own account only.
process.umask(0o077);

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`ecotone: ${error.message}`);
    console.error("Fix the variable in your environment or .env file and start again (see README, Configuration).");
    process.exit(1);
  }
  throw error;
}

if (!config.dataDir.startsWith("memory://")) makeDataDirPrivate(config.dataDir);

const app = await createApp(config).catch((error: unknown) => {
  console.error(`ecotone: could not start: ${(error as Error).message}`);
  if (config.databaseUrl) console.error("Check that DATABASE_URL points at a reachable PostgreSQL server.");
  process.exit(1);
});

try {
  await app.start();
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  app.logger.fatal({ err: error }, "could not listen");
  if (code === "EADDRINUSE") console.error(`ecotone: port ${config.port} is taken; set PORT to another port.`);
  await app.close();
  process.exit(1);
}

const origin = config.origin.origin;
app.logger.info({ origin, database: app.database.kind }, "Ecotone is running");
if (app.bootstrap) {
  // Once, on the start that created the admin; never through the logger.
  const notice = deliverFirstAdminPassword(app.bootstrap, {
    dataDir: config.dataDir,
    origin: config.origin,
    toTerminal: process.stdout.isTTY === true,
  });
  if (notice.file) app.logger.info({ file: notice.file }, "first admin created; its password is in this file");
  process.stdout.write(notice.lines.join("\n") + "\n");
} else {
  process.stdout.write(`\n  Ecotone is running at ${origin}. Manage users with: npx ecotone user list\n\n`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.logger.info({ signal }, "shutting down: draining in-flight work");
  const forced = setTimeout(() => {
    app.logger.error("shutdown took longer than 30 s; exiting");
    process.exit(1);
  }, 30_000);
  forced.unref();
  try {
    await app.close();
    app.logger.info("stopped cleanly");
    process.exit(0);
  } catch (error) {
    app.logger.error({ err: error }, "error while shutting down");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
