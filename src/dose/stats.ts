/**
 * Stats of a raster over the area's pixels (docs/formats.md): mean, max, p95 (from a histogram of
 * float32 bit patterns, not a sort), and the fraction at or above given depths.
 */
import type { Area } from "../area/types.js";
import { type BandResult, HIST_BASE, HIST_BINS, HIST_SHIFT } from "./bands.js";
import type { Raster } from "./raster.js";

/** Quantile reported as p95. */
const P95 = 0.95;

/** Stats of one raster over the area's pixels. */
export interface DoseStats {
  /** Pixels whose centre lies inside the area. */
  insidePixels: number;
  /** Pixels inside with a value ≠ 0. */
  nonzeroPixels: number;
  meanUm: number;
  maxUm: number;
  /** 95th percentile (nearest rank), within 0.1 % (histogram bin width 2^-10 relative). */
  p95Um: number;
  /** Sum of the values inside, µm·pixels. */
  sumUm: number;
  /** Per requested level: fraction of the inside pixels at or above it. */
  levelFractions: number[];
}

const f32 = new Float32Array(2);
const u32 = new Uint32Array(f32.buffer);

/** The value in the middle of histogram bin `bin` (float32s with bits >>> HIST_SHIFT = bin + HIST_BASE). */
function binMid(bin: number): number {
  u32[0] = (bin + HIST_BASE) << HIST_SHIFT;
  u32[1] = ((bin + HIST_BASE + 1) << HIST_SHIFT) >>> 0;
  return (f32[0] + f32[1]) / 2;
}

/**
 * The nearest-rank quantile `q` of `total` values: `zeros` zeros and the positive rest counted
 * in `hist` (bins of float32 bit patterns). `maxValue`, when given, is the largest value: the
 * walk then starts at its bin and goes down (a high quantile is met after few bins).
 */
export function quantileFromHistogram(
  hist: Uint32Array,
  zeros: number,
  total: number,
  q: number,
  maxValue = Number.POSITIVE_INFINITY,
): number {
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  if (rank <= zeros) return 0;
  // Values in bins below b: total − (values in bins b and up); the rank-th is in the first bin,
  // from the top, with fewer than `rank` values below it.
  f32[0] = maxValue;
  const top = maxValue < Number.POSITIVE_INFINITY ? (u32[0] >>> HIST_SHIFT) - HIST_BASE : hist.length - 1;
  let atOrAbove = 0;
  for (let b = Math.min(hist.length - 1, Math.max(0, top)); b >= 0; b--) {
    atOrAbove += hist[b];
    if (total - atOrAbove < rank) return binMid(b);
  }
  return 0;
}

/**
 * Per level, the bits of the least float32 ≥ it: a float32 value v > 0 is ≥ the level exactly
 * when its bits are ≥ these (positive floats order like their bits). 0 for a level ≤ 0.
 */
export function levelBits(
  levels: ArrayLike<number>,
  out: Uint32Array = new Uint32Array(levels.length),
): Uint32Array {
  for (let l = 0; l < levels.length; l++) {
    const level = levels[l];
    if (!(level > 0)) {
      out[l] = 0;
      continue;
    }
    f32[0] = level;
    if (f32[0] < level) u32[0]++; // rounded down: the next float32 up (+Infinity past the top)
    out[l] = u32[0];
  }
  return out;
}

/** Merge per-thread results; band sums add in band order (independent of the thread count). */
export function finishStats(
  results: readonly BandResult[],
  bandSum: Float64Array,
  insidePixels: number,
  levels: ArrayLike<number>,
): DoseStats {
  let sum = 0;
  for (let b = 0; b < bandSum.length; b++) sum += bandSum[b];
  let max = 0;
  let nonzero = 0;
  const counts = new Float64Array(levels.length);
  // Threads that splatted no band have empty histograms: merge only the others.
  const busy = results.filter((r) => r.bands > 0);
  const hist = busy.length > 0 ? busy[0].hist : results[0].hist;
  for (let t = 0; t < busy.length; t++) {
    const r = busy[t];
    if (r.max > max) max = r.max;
    nonzero += r.nonzero;
    for (let l = 0; l < counts.length; l++) counts[l] += r.levelCounts[l];
    if (t === 0) continue;
    const h = r.hist;
    for (let b = 0; b < HIST_BINS; b++) hist[b] += h[b];
  }
  return {
    insidePixels,
    nonzeroPixels: nonzero,
    meanUm: insidePixels > 0 ? sum / insidePixels : 0,
    maxUm: max,
    p95Um: quantileFromHistogram(hist, insidePixels - nonzero, insidePixels, P95, max),
    sumUm: sum,
    levelFractions: Array.from(counts, (c) => (insidePixels > 0 ? c / insidePixels : 0)),
  };
}

/**
 * Stats of any raster over an area (e.g. a depth map read back from a file); a plain
 * reference implementation: exact p95 by sorting the inside values.
 */
export function rasterStats(raster: Raster, area: Area, levels: readonly number[] = []): DoseStats {
  const pixMm = raster.pixelUm / 1000;
  const [ox, oy] = raster.originMm;
  const tmp = new Float64Array(Math.max(2, area.maxSpanValues));
  const values: number[] = [];
  let sum = 0;
  let max = 0;
  let nonzero = 0;
  const counts = new Array<number>(levels.length).fill(0);
  for (let j = 0; j < raster.height; j++) {
    const m = area.spans(oy + (j + 0.5) * pixMm, tmp);
    for (let s = 0; s + 1 < m; s += 2) {
      const a = Math.max(0, Math.ceil((tmp[s] - ox) / pixMm - 0.5));
      const b = Math.min(raster.width, Math.ceil((tmp[s + 1] - ox) / pixMm - 0.5));
      for (let i = a; i < b; i++) {
        const v = raster.data[j * raster.width + i];
        values.push(v);
        sum += v;
        if (v > max) max = v;
        if (v !== 0) nonzero++;
        for (let l = 0; l < levels.length; l++) if (v >= levels[l]) counts[l]++;
      }
    }
  }
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  return {
    insidePixels: n,
    nonzeroPixels: nonzero,
    meanUm: n > 0 ? sum / n : 0,
    maxUm: max,
    p95Um: n > 0 ? sorted[Math.max(0, Math.ceil(P95 * n) - 1)] : 0,
    sumUm: sum,
    levelFractions: counts.map((c) => (n > 0 ? c / n : 0)),
  };
}
