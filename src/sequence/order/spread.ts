/** `spread`: consecutive spots far apart. */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Random draws tried before `spread` scans all remaining spots for one far enough away. */
const SPREAD_TRIES = 24;

/**
 * `spread`: each next spot is a random remaining spot at least `minStepMm` from the last one
 * whenever such a spot remains (after a few random draws, an exhaustive scan from a random
 * start guarantees it); when none remains, the farthest remaining spot.
 */
export function spread(
  x: Float64Array,
  y: Float64Array,
  idx: Uint32Array,
  minStepMm: number,
  rng: RandomGenerator,
  out: Uint32Array,
): Uint32Array {
  const m = idx.length;
  if (m === 0) return out;
  const rem = Uint32Array.from(idx);
  let left = m;
  const min2 = minStepMm * minStepMm;
  // When no two spots of the stamp are minStepMm apart the exhaustive scan can never succeed.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let a = 0; a < m; a++) {
    const i = idx[a];
    if (x[i] < minX) minX = x[i];
    if (x[i] > maxX) maxX = x[i];
    if (y[i] < minY) minY = y[i];
    if (y[i] > maxY) maxY = y[i];
  }
  const feasible = (maxX - minX) ** 2 + (maxY - minY) ** 2 >= min2;
  let k = uniformInt(rng, 0, left - 1);
  for (let n = 0; n < m; n++) {
    if (n > 0) {
      const px = x[out[n - 1]];
      const py = y[out[n - 1]];
      k = -1;
      let farK = 0;
      let far2 = -1;
      for (let t = 0; t < SPREAD_TRIES; t++) {
        const c = uniformInt(rng, 0, left - 1);
        const d2 = (x[rem[c]] - px) ** 2 + (y[rem[c]] - py) ** 2;
        if (d2 >= min2) {
          k = c;
          break;
        }
        if (d2 > far2) {
          far2 = d2;
          farK = c;
        }
      }
      if (k < 0 && feasible) {
        const s = uniformInt(rng, 0, left - 1);
        for (let t = 0; t < left; t++) {
          const c = s + t < left ? s + t : s + t - left;
          const d2 = (x[rem[c]] - px) ** 2 + (y[rem[c]] - py) ** 2;
          if (d2 >= min2) {
            k = c;
            break;
          }
          if (d2 > far2) {
            far2 = d2;
            farK = c;
          }
        }
      }
      if (k < 0) k = farK;
    }
    out[n] = rem[k];
    rem[k] = rem[--left];
  }
  return out;
}
