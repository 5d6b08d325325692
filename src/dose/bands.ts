/**
 * The splat-and-stats job split into row bands, and the driver every thread runs on it: claim
 * bands until none is left. The loops run in the WebAssembly module through its facade
 * (src/wasm/splat.ts).
 *
 * A band is splatted into a small per-thread buffer (stays in cache), then each spot's
 * footprint is read back once: every nonzero pixel goes into the stats (when inside the area)
 * and is cleared for the next band; a kept raster gets the band's touched rows before they are read.
 * Only touched pixels are visited; nothing is allocated per band, spot or pixel.
 */
import type { WasmInstance, WasmModule } from "../wasm/module.js";
import { HIST_BINS, type SplatSetup, WasmSplat } from "../wasm/splat.js";

export {
  HIST_BASE,
  HIST_BINS,
  HIST_SHIFT,
  MODE_DISC_ADD,
  MODE_DISC_MAX,
  MODE_GAUSS_LINEAR,
  MODE_GAUSS_LOG,
} from "../wasm/splat.js";

/**
 * One simulation split into row bands. Arrays may live in SharedArrayBuffers (then worker
 * threads share them); a band is claimed with `Atomics.add(counter, 0, 1)`.
 */
export interface BandJob extends SplatSetup {
  /** The compiled module (src/wasm/module.ts); each thread makes its own instance. */
  module: WasmModule;
  /** Footprint mode (MODE_*). */
  mode: number;
  width: number;
  height: number;
  /** Rows per band (depends on the width only, never on the thread count). */
  bandRows: number;
  nBands: number;
  /** Pixel size, mm. */
  pixMm: number;
  /** Gaussian: 2/w², 1/mm². */
  k2: number;
  /** Gaussian linear: peak fluence F0, J/cm²; Gaussian log: ln(F0/Fth). */
  f0: number;
  /** Threshold fluence, J/cm² (linear mode). */
  fth: number;
  /** µm per J/cm² (linear), µm per unit of ln (log), µm per pulse (disc). */
  scale: number;
  /** Footprint radius, mm (crater radius, or disc radius). */
  radiusMm: number;
  /** Spot centres relative to the raster's lower-left corner, mm; pulses per spot. */
  spotX: Float64Array;
  spotY: Float64Array;
  spotPulses: Float32Array;
  /** Spots of band b: bandSpots[bandStart[b] .. bandStart[b + 1]). */
  bandStart: Int32Array;
  bandSpots: Uint32Array;
  /** Inside pixel runs of row j: spanPix[spanStart[j] .. spanStart[j + 1]) as [a, b) pairs, sorted. */
  spanStart: Int32Array;
  spanPix: Int32Array;
  /**
   * Per level (µm) whose pixel count is wanted: the bits of the least float32 ≥ the level (a
   * value is at or above the level exactly when its bits are ≥ these).
   */
  levelBits: Uint32Array;
  /** The whole raster (kept for output), or null (stats only). */
  raster: Float32Array | null;
  /**
   * Row of the whole raster that `raster`'s row 0 is, when `raster` is a window of it (a band
   * sink, see splat.ts): the job's bands must then lie inside the window. Default 0.
   */
  rasterRow0?: number;
  /** Next band to claim. */
  counter: Int32Array;
  /** Sum of the values inside the area, per band (merged in band order: thread-count independent). */
  bandSum: Float64Array;
  /** With re-hit efficiency: inside depth lost to re-hits per band, µm · pixels; else null. */
  bandLoss: Float64Array | null;
}

/** What one thread accumulated: integer counts and a max, order independent. */
export interface BandResult {
  /** Largest value the thread saw. */
  max: number;
  /** Start and end of the thread's work, ms since the epoch (for LASERSCAN_TIMING). */
  startMs: number;
  endMs: number;
  /** Bands the thread did. */
  bands: number;
  /** Nonzero inside pixels. */
  nonzero: number;
  /** Per level: inside pixels at or above it. */
  levelCounts: Float64Array;
  /** Nonzero inside pixels per bin of float32 bits >>> HIST_SHIFT. */
  hist: Uint32Array;
}

/**
 * Whether any band of `job` is still unclaimed: a thread that comes after every band was taken
 * (it was busy) has nothing to do, and need not even get an instance.
 */
export function bandsLeft(job: BandJob): boolean {
  return Atomics.load(job.counter, 0) < job.nBands;
}

/**
 * Claim bands until none is left: each is splatted in spot order (so each pixel's value does not
 * depend on who did the band), copied to the kept raster if any, and gathered; the thread's
 * stats go to `out` (fresh: zero counts and histogram). `instance`: a fresh instance of
 * `job.module`.
 */
export function runBands(job: BandJob, out: BandResult, instance: WasmInstance): void {
  if (!bandsLeft(job)) return;
  const splat = new WasmSplat(instance, job);
  const raster = job.raster;
  const row0 = job.rasterRow0 ?? 0;
  let bands = 0;
  out.startMs = performance.timeOrigin + performance.now();
  for (;;) {
    const b = Atomics.add(job.counter, 0, 1);
    if (b >= job.nBands) break;
    // Whole-raster jobs only: a windowed job's progress is reported per window by its caller.
    if (job.rasterRow0 === undefined) bandProgress?.(b, job.nBands);
    job.bandSum[b] = raster === null ? splat.band(b) : splat.bandInto(b, raster, row0);
    if (job.bandLoss !== null) job.bandLoss[b] = splat.bandLoss();
    bands++;
  }
  out.endMs = performance.timeOrigin + performance.now();
  out.bands = bands;
  const { max, nonzero } = splat.stats(out.hist, out.levelCounts);
  out.max = max;
  out.nonzero = nonzero;
}

/** Where the main thread reports claimed bands (a progress bar); unset in worker threads. */
let bandProgress: ((done: number, total: number) => void) | undefined;

/**
 * Set (or clear) where band progress goes, as a fraction 0..1. The band counter is shared, so the
 * bands the main thread claims show the progress of every thread.
 */
export function setBandProgress(fn: ((fraction: number) => void) | undefined): void {
  bandProgress = fn === undefined ? undefined : (done, total) => fn(Math.min(1, done / total));
}

/** Report `done` of `total` bands to the progress hook, if any. */
export function reportBandProgress(done: number, total: number): void {
  bandProgress?.(done, total);
}

/** A thread's result before its bands: `levels` level counts, all zero. */
export function emptyBandResult(levels: number): BandResult {
  return {
    max: 0,
    startMs: 0,
    endMs: 0,
    bands: 0,
    nonzero: 0,
    levelCounts: new Float64Array(levels),
    hist: new Uint32Array(HIST_BINS),
  };
}
