/**
 * The splat-and-stats job and its driver. The loops run in the WebAssembly module (src/wasm.ts,
 * assembly/splat.ts); {@link runBands} copies a job's arrays into the instance it is given and
 * claims bands. It must stay self-contained (no imports, no module constants): workers.ts builds
 * the worker from its `toString()`, so the same code runs from src/ under vitest and from dist/.
 *
 * A band is splatted into a small per-thread buffer (stays in cache), then each spot's
 * footprint is read back once: every nonzero pixel goes into the stats (when inside the area)
 * and is cleared for the next band; a kept raster gets the band's touched rows before they are read.
 * Only touched pixels are visited; nothing is allocated per band, spot or pixel.
 */

/** Footprint modes. */
export const MODE_GAUSS_LINEAR = 0;
export const MODE_GAUSS_LOG = 1;
export const MODE_DISC_ADD = 2;
export const MODE_DISC_MAX = 3;

/**
 * Histogram of positive float32 values by bit pattern (positive floats order like their bits):
 * bin = (bits >>> HIST_SHIFT) − HIST_BASE, clamped to [0, HIST_BINS): relative bin width 2^-10,
 * over 2^-40 … 2^24 µm (values outside fall into the end bins). 256 KiB: stays in cache.
 */
export const HIST_SHIFT = 13;
/** First bin: float32 exponent 2^-40 (values below are lumped into bin 0). */
export const HIST_BASE = (127 - 40) << 10;
/** Number of bins: 64 binary orders of magnitude × 1024. */
export const HIST_BINS = 64 << 10;

/**
 * One simulation split into row bands. Arrays may live in SharedArrayBuffers (then worker
 * threads share them); a band is claimed with `Atomics.add(counter, 0, 1)`.
 */
export interface BandJob {
  /** The compiled kernel module (src/wasm.ts `kernelModule()`); each thread makes its own instance. */
  module: object;
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
}

/** What one thread accumulated: integer counts and a max, order independent. */
export interface BandResult {
  /**
   * [max value, start and end of the thread's work (ms since the epoch), bands done, nonzero
   * inside pixels]: a typed array, so the fields never change representation.
   */
  acc: Float64Array;
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
 * `job.module` (src/wasm.ts `kernelInstance()`; a worker makes its own).
 */
export function runBands(job: BandJob, out: BandResult, instance: unknown): void {
  if (!bandsLeft(job)) return;
  type Exports = {
    memory: { buffer: ArrayBuffer };
    alloc(bytes: number): number;
    splatSetup(...args: number[]): void;
    splatBand(b: number): void;
    gatherBand(b: number): number;
    band(b: number): number;
    bufPtr(): number;
    rowsPtr(): number;
    histPtr(): number;
    countsPtr(): number;
    maxValue(): number;
    nonzeroCount(): number;
  };
  const ex = instance as Exports;
  const n = job.spotX.length;
  const nl = job.levelBits.length;
  const at = {
    sx: ex.alloc(8 * n),
    sy: ex.alloc(8 * n),
    sp: ex.alloc(4 * n),
    bandStart: ex.alloc(4 * job.bandStart.length),
    bandSpots: ex.alloc(4 * job.bandSpots.length),
    spanStart: ex.alloc(4 * job.spanStart.length),
    spanPix: ex.alloc(4 * job.spanPix.length),
    levelBits: ex.alloc(4 * Math.max(1, nl)),
  };
  let mem = ex.memory.buffer;
  new Float64Array(mem, at.sx, n).set(job.spotX);
  new Float64Array(mem, at.sy, n).set(job.spotY);
  new Float32Array(mem, at.sp, n).set(job.spotPulses);
  new Int32Array(mem, at.bandStart, job.bandStart.length).set(job.bandStart);
  new Uint32Array(mem, at.bandSpots, job.bandSpots.length).set(job.bandSpots);
  new Int32Array(mem, at.spanStart, job.spanStart.length).set(job.spanStart);
  new Int32Array(mem, at.spanPix, job.spanPix.length).set(job.spanPix);
  new Uint32Array(mem, at.levelBits, nl).set(job.levelBits);
  ex.splatSetup(
    job.mode,
    job.width,
    job.height,
    job.bandRows,
    job.pixMm,
    job.k2,
    job.f0,
    job.fth,
    job.scale,
    job.radiusMm,
    at.sx,
    at.sy,
    at.sp,
    at.bandStart,
    at.bandSpots,
    at.spanStart,
    at.spanPix,
    at.levelBits,
    nl,
  );
  mem = ex.memory.buffer; // the set-up grew the memory
  const W = job.width;
  const buf = new Float32Array(mem, ex.bufPtr(), job.bandRows * W);
  const touched = new Uint8Array(mem, ex.rowsPtr(), job.bandRows);
  const raster = job.raster;
  const row0 = job.rasterRow0 ?? 0;
  out.acc[1] = performance.timeOrigin + performance.now();
  for (;;) {
    const b = Atomics.add(job.counter, 0, 1);
    if (b >= job.nBands) break;
    if (raster === null) job.bandSum[b] = ex.band(b);
    else {
      ex.splatBand(b);
      // Only the rows a footprint touched: the raster is fresh (zero) memory, and writing the
      // others would only make the system map their pages (≈ 0.3 s for 400 MB here).
      const r0 = b * job.bandRows;
      const rows = Math.min(job.height, r0 + job.bandRows) - r0;
      for (let j = 0; j < rows; j++)
        if (touched[j] !== 0) raster.set(buf.subarray(j * W, (j + 1) * W), (r0 + j - row0) * W);
      job.bandSum[b] = ex.gatherBand(b);
    }
    out.acc[3]++;
  }
  out.acc[2] = performance.timeOrigin + performance.now();
  out.acc[0] = ex.maxValue();
  out.acc[4] = ex.nonzeroCount();
  out.hist.set(new Uint32Array(mem, ex.histPtr(), out.hist.length));
  out.levelCounts.set(new Float64Array(mem, ex.countsPtr(), nl));
}

/**
 * A thread's result before its bands: `levels` level counts and `histBins` histogram bins, all
 * zero. Self-contained: the workers' source declares it too.
 */
export function emptyBandResult(levels: number, histBins: number): BandResult {
  return { acc: new Float64Array(5), levelCounts: new Float64Array(levels), hist: new Uint32Array(histBins) };
}
