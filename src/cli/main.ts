// `ecotone <command>`: the admin CLI. With the embedded database and a server
// running, commands go through the server's admin socket; otherwise the CLI
// opens the database itself.
import { join } from "node:path";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import type { ServiceContext } from "../services/context.ts";
import { findCommand, helpText, runCommand, type CommandResult } from "./commands.ts";
import { runThroughSocket } from "./admin-socket.client.ts";

// Database files the CLI creates (no server running) are private too.
process.umask(0o077);

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    console.log(helpText());
    return 0;
  }
  if (!findCommand(argv)) {
    console.error(`ecotone: unknown command "${argv.join(" ")}"\n\n${helpText()}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ecotone: ${error.message}`);
      return 2;
    }
    throw error;
  }

  let result: CommandResult | null = null;
  if (!config.databaseUrl) {
    result = await runThroughSocket(join(config.dataDir, "ecotone.sock"), argv);
  }
  if (!result) {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
    try {
      await migrateToLatest(database.db);
      const ctx: ServiceContext = {
        db: database.db,
        database,
        origin: config.origin,
        instanceName: config.instanceName,
        logger: pino({ level: "warn" }),
      };
      result = await runCommand(ctx, argv);
    } finally {
      await database.close();
    }
  }
  if (result.ok) {
    console.log(result.output);
    return 0;
  }
  console.error(`ecotone: ${result.error}`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`ecotone: ${(error as Error).message}`);
  return 1;
});
