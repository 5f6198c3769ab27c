// A restart keeps the data and the keys (embedded PGlite on disk), and an
// empty instance prints its first admin once.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { freePort } from "../helpers/instances.ts";

describe("restart", () => {
  it("keeps users and actor keys across a restart on the same data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "ecotone-restart-"));
    const port = await freePort();
    const config = {
      ...loadConfig({ PORT: String(port), ECOTONE_DATA_DIR: dataDir }, "/nonexistent"),
      host: "127.0.0.1",
      databaseUrl: undefined,
    };
    const logger = pino({ level: "silent" });

    const first = await createApp(config, { logger });
    expect(first.bootstrap?.username).toBe("admin");
    await first.start();
    const actorBefore = await (await fetch(`http://localhost:${port}/users/admin`, { headers: { accept: "application/activity+json" } })).json();
    await first.close();

    const second = await createApp(config, { logger });
    // The admin exists already: no new password is printed.
    expect(second.bootstrap).toBeNull();
    await second.start();
    const actorAfter = await (await fetch(`http://localhost:${port}/users/admin`, { headers: { accept: "application/activity+json" } })).json();
    await second.close();

    expect(actorAfter.publicKey.publicKeyPem).toBe(actorBefore.publicKey.publicKeyPem);
    expect(actorAfter.assertionMethod).toEqual(actorBefore.assertionMethod);
  });
});
