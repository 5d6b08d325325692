/**
 * Seeded uniform numbers on pure-rand's xoroshiro128+ (same seed, same stream on any machine).
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of uniform doubles in [0, 1). */
export type Uniform = () => number;

/** A uniform [0, 1) generator for `seed`; `stream` separates independent uses of one seed. */
export function uniform(seed: number, stream = 0): Uniform {
  return uniformFrom(xoroshiro128plus, seed, stream);
}

/**
 * {@link uniform} over a given xoroshiro128+ factory. Self-contained: a worker thread builds it
 * from its source text with pure-rand loaded there, and draws the very same numbers.
 */
export function uniformFrom(
  make: (seed: number) => { next(): number },
  seed: number,
  stream: number,
): Uniform {
  const rng = make((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  return () => (rng.next() >>> 0) / 4294967296;
}
