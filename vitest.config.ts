import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A safety net for hung tests, not a speed check: CLI-heavy tests run 5-10x slower when the
    // cores are shared (measured under stress-ng --cpu 2 on 2 cores), and must still pass.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/helpers/yield-between-tests.ts"],
  },
});
