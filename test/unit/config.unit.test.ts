import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const noDotEnv = "/nonexistent";

describe("configuration", () => {
  it("defaults to port 3000, a localhost origin and embedded PGlite in ./data", () => {
    const config = loadConfig({}, noDotEnv);
    expect(config.port).toBe(3000);
    expect(config.origin.href).toBe("http://localhost:3000/");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe("/nonexistent/data");
    // Development on http may reach loopback peers.
    expect(config.allowPrivateAddresses).toBe(true);
  });

  it("derives the origin from PORT so instances can run side by side", () => {
    expect(loadConfig({ PORT: "3002" }, noDotEnv).origin.href).toBe("http://localhost:3002/");
  });

  it("refuses private addresses by default on an https origin", () => {
    const config = loadConfig({ ECOTONE_ORIGIN: "https://social.acme.example" }, noDotEnv);
    expect(config.allowPrivateAddresses).toBe(false);
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ ECOTONE_ORIGIN: "social.acme.example" }, "ECOTONE_ORIGIN"],
    [{ ECOTONE_ORIGIN: "https://acme.example/path" }, "ECOTONE_ORIGIN"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ ECOTONE_ALLOW_PRIVATE_ADDRESSES: "maybe" }, "ECOTONE_ALLOW_PRIVATE_ADDRESSES"],
  ])("stops on a bad value and names the variable: %o", (env, variable) => {
    expect(() => loadConfig(env, noDotEnv)).toThrowError(ConfigError);
    try {
      loadConfig(env, noDotEnv);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it("reads .env, but the environment wins", () => {
    const dir = mkdtempSync(join(tmpdir(), "ecotone-env-"));
    writeFileSync(join(dir, ".env"), '# comment\nPORT=4000\nECOTONE_INSTANCE_NAME="Acme Network"\n');
    expect(loadConfig({}, dir).port).toBe(4000);
    expect(loadConfig({}, dir).instanceName).toBe("Acme Network");
    expect(loadConfig({ PORT: "5000" }, dir).port).toBe(5000);
  });
});
