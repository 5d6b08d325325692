import { defineConfig } from "vitest/config";

/**
 * The library tests of the physics and geometry modules, for mutation testing (`npm run mutate`):
 * no build step (StrykerJS runs the tests on src/ in its sandbox, with dist/ copied in for the
 * WebAssembly module) and no CLI or browser tests, which cannot see a mutant in src/.
 */
export default defineConfig({
  test: {
    include: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(",") : ["test/heat/**/*.test.ts"],
    testTimeout: 300_000,
    pool: "forks",
  },
});
