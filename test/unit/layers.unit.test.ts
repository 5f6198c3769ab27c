import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLayers } from "../tools/check-layers.ts";

describe("layering check", () => {
  it("finds no violation in src/", () => {
    expect(checkLayers(join(import.meta.dirname, "../../src"))).toEqual([]);
  });

  it("reports imports that cross the rules", () => {
    const src = mkdtempSync(join(tmpdir(), "ecotone-layers-"));
    for (const dir of ["domain", "db", "services", "federation", "api/mastodon"]) mkdirSync(join(src, dir), { recursive: true });
    writeFileSync(join(src, "db/schema.ts"), "export {};\n");
    writeFileSync(join(src, "domain/rules.ts"), 'import type { X } from "../db/schema.ts";\n');
    writeFileSync(join(src, "services/post.service.ts"), 'import Fastify from "fastify";\nimport { Note } from "@fedify/vocab";\n');
    writeFileSync(join(src, "api/mastodon/routes.ts"), 'import { x } from "../../federation/federation.ts";\n');
    writeFileSync(join(src, "federation/federation.ts"), 'import { Note } from "@fedify/vocab";\nexport const x = 1;\n');
    const found = checkLayers(src).map((v) => `${v.file} → ${v.specifier}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "domain/rules.ts → ../db/schema.ts",
        "services/post.service.ts → fastify",
        "services/post.service.ts → @fedify/vocab",
        "api/mastodon/routes.ts → ../../federation/federation.ts",
      ]),
    );
    expect(found).not.toContain("federation/federation.ts → @fedify/vocab");
  });
});
