/**
 * Facade of assembly/splat.ts (the splat-and-stats loops): lays out one thread's copy of a
 * splat's spots, bands and inside runs in an instance, runs bands and reads the thread's stats.
 */
import { exportsOf, view, type WasmInstance } from "./module.js";

/** Footprint modes (assembly/splat.ts reads the same numbers; test/wasm-facades.test.ts checks). */
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

/** The functions of assembly/splat.ts (addresses are byte offsets in the instance's memory). */
interface SplatExports {
  splatSetup(
    mode: number,
    width: number,
    height: number,
    bandRows: number,
    pixMm: number,
    k2: number,
    f0: number,
    fth: number,
    scale: number,
    radiusMm: number,
    spotX: number,
    spotY: number,
    spotPulses: number,
    bandStart: number,
    bandSpots: number,
    spanStart: number,
    spanPix: number,
    levelBits: number,
    levels: number,
  ): void;
  reHitSetup(spotT: number, periodMs: number, intervals: number, efficiencies: number, rows: number): void;
  bandLoss(): number;
  splatBand(b: number): void;
  gatherBand(b: number): number;
  band(b: number): number;
  bufPtr(): number;
  rowsPtr(): number;
  histPtr(): number;
  countsPtr(): number;
  maxValue(): number;
  nonzeroCount(): number;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const SPLAT_EXPORTS = {
  splatSetup: 19,
  reHitSetup: 5,
  bandLoss: 0,
  splatBand: 1,
  gatherBand: 1,
  band: 1,
  bufPtr: 0,
  rowsPtr: 0,
  histPtr: 0,
  countsPtr: 0,
  maxValue: 0,
  nonzeroCount: 0,
} as const;

/** A splat as the module needs it (see dose/bands.ts `BandJob` for each field). */
export interface SplatSetup {
  mode: number;
  width: number;
  height: number;
  bandRows: number;
  pixMm: number;
  k2: number;
  f0: number;
  fth: number;
  scale: number;
  radiusMm: number;
  spotX: Float64Array;
  spotY: Float64Array;
  spotPulses: Float32Array;
  bandStart: Int32Array;
  bandSpots: Uint32Array;
  spanStart: Int32Array;
  spanPix: Int32Array;
  levelBits: Uint32Array;
  /**
   * Re-hit efficiency (docs/rehit.md), or null: first-pulse time per spot (ms), ms between a
   * spot's stacked pulses, and the laser's table as intervals (ms) and efficiencies. With it the
   * bands list their spots in firing order.
   */
  reHit: {
    spotT: Float64Array;
    periodMs: number;
    intervalsMs: Float64Array;
    efficiency: Float64Array;
  } | null;
}

/** One thread's splat in one instance: set up once, then any number of bands. */
export class WasmSplat {
  private readonly ex: SplatExports & WasmInstance;
  private readonly width: number;
  private readonly height: number;
  private readonly bandRows: number;
  private readonly levels: number;
  /** The band buffer and its touched-row flags (no allocation follows the set-up: they stay valid). */
  private readonly buf: Float32Array;
  private readonly touched: Uint8Array;

  constructor(instance: WasmInstance, s: SplatSetup) {
    const ex = exportsOf<SplatExports>(instance);
    this.ex = ex;
    const n = s.spotX.length;
    const nl = s.levelBits.length;
    const at = {
      sx: ex.alloc(8 * n),
      sy: ex.alloc(8 * n),
      sp: ex.alloc(4 * n),
      bandStart: ex.alloc(4 * s.bandStart.length),
      bandSpots: ex.alloc(4 * s.bandSpots.length),
      spanStart: ex.alloc(4 * s.spanStart.length),
      spanPix: ex.alloc(4 * s.spanPix.length),
      levelBits: ex.alloc(4 * Math.max(1, nl)),
    };
    const rh = s.reHit;
    const rows = rh ? rh.intervalsMs.length : 0;
    const rat = rh
      ? { t: ex.alloc(8 * n), rt: ex.alloc(8 * rows), re: ex.alloc(8 * rows) }
      : { t: 0, rt: 0, re: 0 };
    if (rh) {
      view(ex, Float64Array, rat.t, n).set(rh.spotT);
      view(ex, Float64Array, rat.rt, rows).set(rh.intervalsMs);
      view(ex, Float64Array, rat.re, rows).set(rh.efficiency);
    }
    view(ex, Float64Array, at.sx, n).set(s.spotX);
    view(ex, Float64Array, at.sy, n).set(s.spotY);
    view(ex, Float32Array, at.sp, n).set(s.spotPulses);
    view(ex, Int32Array, at.bandStart, s.bandStart.length).set(s.bandStart);
    view(ex, Uint32Array, at.bandSpots, s.bandSpots.length).set(s.bandSpots);
    view(ex, Int32Array, at.spanStart, s.spanStart.length).set(s.spanStart);
    view(ex, Int32Array, at.spanPix, s.spanPix.length).set(s.spanPix);
    view(ex, Uint32Array, at.levelBits, nl).set(s.levelBits);
    ex.splatSetup(
      s.mode,
      s.width,
      s.height,
      s.bandRows,
      s.pixMm,
      s.k2,
      s.f0,
      s.fth,
      s.scale,
      s.radiusMm,
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
    if (rh) ex.reHitSetup(rat.t, rh.periodMs, rat.rt, rat.re, rows);
    // The set-up grew the memory: views from here on.
    this.width = s.width;
    this.height = s.height;
    this.bandRows = s.bandRows;
    this.levels = nl;
    this.buf = view(ex, Float32Array, ex.bufPtr(), s.bandRows * s.width);
    this.touched = view(ex, Uint8Array, ex.rowsPtr(), s.bandRows);
  }

  /** Splat band `b` and gather its stats (no raster kept); returns the sum of its inside values. */
  band(b: number): number {
    return this.ex.band(b);
  }

  /**
   * Splat band `b`, copy the rows a footprint touched into `raster` (the whole raster, fresh zero
   * memory: untouched rows are not written, so their pages are never mapped), then gather its
   * stats; returns the sum of its inside values.
   */
  bandInto(b: number, raster: Float32Array, rasterRow0 = 0): number {
    this.ex.splatBand(b);
    const W = this.width;
    const r0 = b * this.bandRows;
    const rows = Math.min(this.height, r0 + this.bandRows) - r0;
    for (let j = 0; j < rows; j++)
      if (this.touched[j] !== 0) raster.set(this.buf.subarray(j * W, (j + 1) * W), (r0 + j - rasterRow0) * W);
    return this.ex.gatherBand(b);
  }

  /** Inside depth lost to re-hits in the band last splatted, µm · pixels (0 without re-hit). */
  bandLoss(): number {
    return this.ex.bandLoss();
  }

  /** The thread's stats so far: histogram and level counts copied into `hist`, `levelCounts`. */
  stats(hist: Uint32Array, levelCounts: Float64Array): { max: number; nonzero: number } {
    const ex = this.ex;
    hist.set(view(ex, Uint32Array, ex.histPtr(), hist.length));
    levelCounts.set(view(ex, Float64Array, ex.countsPtr(), this.levels));
    return { max: ex.maxValue(), nonzero: ex.nonzeroCount() };
  }
}
