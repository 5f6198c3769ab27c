// `npm start`: one instance, configured from the environment.
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createApp } from "./app.ts";

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
  // Printed once, on the start that created the admin; never logged again.
  process.stdout.write(
    [
      "",
      "  Welcome to Ecotone.",
      `  An admin account was created: username "${app.bootstrap.username}", password "${app.bootstrap.password}"`,
      "  Keep the password somewhere safe; it is not shown again.",
      `  Sign in at ${config.origin.origin}/ in a browser, or from a Mastodon app (Elk, Phanpy, Tusky…): server ${config.origin.host}, then that username and password.`,
      `  Or mint an API token: npx ecotone token create ${app.bootstrap.username} --scopes "read write follow"`,
      `  and call the API:     curl -H "Authorization: Bearer <token>" ${origin}/api/v1/accounts/verify_credentials`,
      `  Your profile:         ${origin}/users/${app.bootstrap.username}`,
      "",
    ].join("\n") + "\n",
  );
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
