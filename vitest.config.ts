import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Federation tests start several instances each with their own embedded
    // database; two cores run two files at a time.
    pool: "forks",
    maxWorkers: 2,
    // Migrates one PGlite database per run; test databases start as copies of it.
    globalSetup: ["test/helpers/database-template.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
