// `npm run test:soak`: minutes of mixed load on loopback instances. Not part
// of `npm test` (it is slow by design); .ci/run runs it after the suite.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    pool: "forks",
    maxWorkers: 1,
    execArgv: ["--expose-gc"],
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
  },
});
