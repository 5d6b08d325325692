/**
 * Seeded uniform numbers on pure-rand's xoroshiro128+ (same seed, same stream on any machine).
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

const TWO_POW_32 = 4294967296;

/** A seeded source of uniform doubles in [0, 1). */
export type Uniform = () => number;

/** A uniform [0, 1) generator for `seed`; `stream` separates independent uses of one seed. */
export function uniform(seed: number, stream = 0): Uniform {
  const rng = xoroshiro128plus((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  return () => (rng.next() >>> 0) / TWO_POW_32;
}
