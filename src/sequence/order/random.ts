/** `random`: a seeded shuffle. */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** A seeded Fisher–Yates shuffle. */
export function shuffle(idx: Uint32Array, rng: RandomGenerator, out: Uint32Array): Uint32Array {
  out.set(idx);
  for (let a = idx.length - 1; a > 0; a--) {
    const b = uniformInt(rng, 0, a);
    const t = out[a];
    out[a] = out[b];
    out[b] = t;
  }
  return out;
}
