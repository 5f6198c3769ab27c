// What every service needs: the database and the instance's identity. Built
// once in app.ts and passed down; services never reach for globals.
import type { Kysely } from "kysely";
import type { DatabaseHandle } from "../db/database.ts";
import type { Database } from "../db/schema.ts";

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

export interface ServiceContext {
  readonly db: Kysely<Database>;
  readonly database: DatabaseHandle;
  /** The instance's public origin; every local URI starts with it. */
  readonly origin: URL;
  readonly instanceName: string;
  readonly logger: Logger;
}
