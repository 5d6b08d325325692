/**
 * Seeded uniform numbers on pure-rand's xoroshiro128+ (same seed, same stream on any machine).
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of uniform doubles in [0, 1). */
export type Uniform = () => number;

/**
 * The 32-bit xoroshiro128+ seed of stream `stream` of `seed`: independent uses of one seed draw
 * from different streams. The Poisson module (assembly/poisson.ts) seeds its own copy of the
 * generator with it and draws the very same numbers as {@link uniform}.
 */
export function streamSeed(seed: number, stream: number): number {
  return (seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0;
}

/** A uniform [0, 1) generator for `seed`; `stream` separates independent uses of one seed. */
export function uniform(seed: number, stream = 0): Uniform {
  const rng = xoroshiro128plus(streamSeed(seed, stream));
  return () => (rng.next() >>> 0) / 4294967296;
}
