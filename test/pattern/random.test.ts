/**
 * The Poisson module's generator (assembly/poisson.ts) is pure-rand's xoroshiro128+ ported to
 * WebAssembly: for any seed and stream it must draw the very numbers random.ts draws, or "same
 * seed, same spots" would hold only inside one implementation.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { streamSeed, uniform } from "../../src/pattern/random.js";
import { releaseInstance, takeInstance } from "../../src/wasm/module.js";
import { moduleUniforms } from "../../src/wasm/poisson.js";

function wasmUniforms(seed32: number, count: number): Float64Array {
  const ex = takeInstance();
  const draws = moduleUniforms(ex, seed32, count);
  releaseInstance(ex);
  return draws;
}

describe("uniform streams", () => {
  it("the WebAssembly generator draws pure-rand's xoroshiro128+ numbers, stream for stream", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 9 }),
        (seed, stream) => {
          const js = uniform(seed, stream);
          const expected = Float64Array.from({ length: 1000 }, () => js());
          expect(wasmUniforms(streamSeed(seed, stream), 1000)).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("draws uniform numbers in [0, 1) (mean ≈ 1/2, variance ≈ 1/12 over 100,000)", () => {
    const u = wasmUniforms(streamSeed(7, 3), 100_000);
    let sum = 0;
    let sq = 0;
    for (const v of u) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
      sq += v * v;
    }
    const mean = sum / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sq / u.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });
});
