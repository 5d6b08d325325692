/**
 * The splat-and-stats kernel, run on the main thread and in worker threads alike. Its functions
 * must stay self-contained (no imports, no nested named functions, calls only to each other):
 * the worker is built from their `toString()` ({@link KERNEL_FUNCTIONS}), so the same code runs
 * from src/ under vitest and from dist/ without a separate worker file to find. Small
 * functions called per band (not one big loop) let V8 optimize them early: a CLI runs the
 * kernel once, so on-stack replacement of one giant loop would leave most of it unoptimized.
 *
 * A band is splatted into a small per-thread buffer (stays in cache), then each spot's
 * footprint is read back once: every nonzero pixel goes into the stats (when inside the area)
 * and into the kept raster (when there is one), and is cleared for the next band. Only touched
 * pixels are visited; nothing is allocated per band, spot or pixel.
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
  /** Next band to claim. */
  counter: Int32Array;
  /** Sum of the values inside the area, per band (merged in band order: thread-count independent). */
  bandSum: Float64Array;
}

/** What one thread accumulated: integer counts and a max, order independent. */
export interface BandResult {
  /**
   * [max value, start and end of the thread's work (ms since the epoch), bands done]: a typed
   * array, so the fields never change representation.
   */
  acc: Float64Array;
  /** Per level: inside pixels at or above it. */
  levelCounts: Float64Array;
  /** Nonzero inside pixels per bin of float32 bits >>> HIST_SHIFT. */
  hist: Uint32Array;
}

/** Per-thread scratch: band buffer (and its bits) and footprint factors. */
export interface BandScratch {
  buf: Float32Array;
  bits: Uint32Array;
  gx: Float64Array;
  gy: Float64Array;
}

/**
 * Claim bands until none is left; splat every spot of a band into the band buffer (sums in spot
 * order, so each pixel's value does not depend on who did the band), then gather the band.
 */
export function runBands(job: BandJob, out: BandResult): void {
  const K = Math.ceil((2 * job.radiusMm) / job.pixMm) + 3;
  const buf = new Float32Array(job.bandRows * job.width);
  const sc: BandScratch = {
    buf,
    bits: new Uint32Array(buf.buffer, 0, buf.length),
    gx: new Float64Array(K),
    gy: new Float64Array(K),
  };
  const mode = job.mode;
  out.acc[1] = performance.timeOrigin + performance.now();
  for (;;) {
    const b = Atomics.add(job.counter, 0, 1);
    if (b >= job.nBands) break;
    if (mode === 0) splatGaussLinear(job, b, sc);
    else if (mode === 1) splatGaussLog(job, b, sc);
    else splatDisc(job, b, sc);
    job.bandSum[b] = gatherBand(job, b, sc, out);
    out.acc[3]++;
  }
  out.acc[2] = performance.timeOrigin + performance.now();
}

/**
 * Gaussian, steady-state: F = F0·exp(−k2·dx²)·exp(−k2·dy²), one row and one column of factors
 * per spot, by the recurrence exp(−k2(d+p)²) = exp(−k2·d²)·exp(−k2·p(2d+p)) (two `exp` per axis).
 */
export function splatGaussLinear(job: BandJob, b: number, sc: BandScratch): void {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const pix = job.pixMm;
  const k2 = job.k2;
  const f0 = job.f0;
  const fth = job.fth;
  const scale = job.scale;
  const R = job.radiusMm;
  const c = Math.exp(-2 * k2 * pix * pix);
  const sx = job.spotX;
  const sy = job.spotY;
  const sp = job.spotPulses;
  const bandSpots = job.bandSpots;
  const buf = sc.buf;
  const gx = sc.gx;
  const gy = sc.gy;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    // Branch-free clamps: a clamp first taken after V8 optimized the loop would deoptimize it.
    const i0 = Math.max(0, Math.floor((x - R) / pix));
    const i1 = Math.min(W - 1, Math.floor((x + R) / pix));
    const j0 = Math.max(r0, Math.floor((y - R) / pix));
    const j1 = Math.min(r1 - 1, Math.floor((y + R) / pix));
    if (i0 > i1 || j0 > j1) continue;
    const ni = i1 - i0;
    const nj = j1 - j0;
    const dx = (i0 + 0.5) * pix - x;
    let g = f0 * Math.exp(-k2 * dx * dx);
    let r = Math.exp(-k2 * pix * (2 * dx + pix));
    for (let i = 0; i <= ni; i++) {
      gx[i] = g;
      g *= r;
      r *= c;
    }
    const dy = (j0 + 0.5) * pix - y;
    g = Math.exp(-k2 * dy * dy);
    r = Math.exp(-k2 * pix * (2 * dy + pix));
    for (let j = 0; j <= nj; j++) {
      gy[j] = g;
      g *= r;
      r *= c;
    }
    const sn = scale * sp[k];
    for (let j = 0; j <= nj; j++) {
      const fy = gy[j];
      const off = (j + j0 - r0) * W + i0;
      for (let i = 0; i <= ni; i++) {
        const f = gx[i] * fy;
        if (f > fth) buf[off + i] += Math.fround(sn * (f - fth));
      }
    }
  }
}

/** Gaussian, blow-off: ln(F/Fth) = ln(F0/Fth) − k2·dx² − k2·dy², additive, no log per pixel. */
export function splatGaussLog(job: BandJob, b: number, sc: BandScratch): void {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const pix = job.pixMm;
  const k2 = job.k2;
  const f0 = job.f0;
  const scale = job.scale;
  const R = job.radiusMm;
  const sx = job.spotX;
  const sy = job.spotY;
  const sp = job.spotPulses;
  const bandSpots = job.bandSpots;
  const buf = sc.buf;
  const gx = sc.gx;
  const gy = sc.gy;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    // Branch-free clamps: a clamp first taken after V8 optimized the loop would deoptimize it.
    const i0 = Math.max(0, Math.floor((x - R) / pix));
    const i1 = Math.min(W - 1, Math.floor((x + R) / pix));
    const j0 = Math.max(r0, Math.floor((y - R) / pix));
    const j1 = Math.min(r1 - 1, Math.floor((y + R) / pix));
    if (i0 > i1 || j0 > j1) continue;
    const ni = i1 - i0;
    const nj = j1 - j0;
    for (let i = 0; i <= ni; i++) {
      const dx = (i + i0 + 0.5) * pix - x;
      gx[i] = f0 - k2 * dx * dx;
    }
    for (let j = 0; j <= nj; j++) {
      const dy = (j + j0 + 0.5) * pix - y;
      gy[j] = k2 * dy * dy;
    }
    const sn = scale * sp[k];
    for (let j = 0; j <= nj; j++) {
      const ly = gy[j];
      const off = (j + j0 - r0) * W + i0;
      for (let i = 0; i <= ni; i++) {
        const v = gx[i] - ly;
        if (v > 0) buf[off + i] += Math.fround(sn * v);
      }
    }
  }
}

/** Discs: top-hat craters add (mode 2), non-ablative columns take the max (mode 3). */
export function splatDisc(job: BandJob, b: number, sc: BandScratch): void {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const pix = job.pixMm;
  const add = job.mode === 2;
  const scale = job.scale;
  const R = job.radiusMm;
  const R2 = R * R;
  const sx = job.spotX;
  const sy = job.spotY;
  const sp = job.spotPulses;
  const bandSpots = job.bandSpots;
  const buf = sc.buf;
  const gx = sc.gx;
  const gy = sc.gy;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    // Branch-free clamps: a clamp first taken after V8 optimized the loop would deoptimize it.
    const i0 = Math.max(0, Math.floor((x - R) / pix));
    const i1 = Math.min(W - 1, Math.floor((x + R) / pix));
    const j0 = Math.max(r0, Math.floor((y - R) / pix));
    const j1 = Math.min(r1 - 1, Math.floor((y + R) / pix));
    if (i0 > i1 || j0 > j1) continue;
    const ni = i1 - i0;
    const nj = j1 - j0;
    for (let i = 0; i <= ni; i++) {
      const dx = (i + i0 + 0.5) * pix - x;
      gx[i] = dx * dx;
    }
    for (let j = 0; j <= nj; j++) {
      const dy = (j + j0 + 0.5) * pix - y;
      gy[j] = dy * dy;
    }
    const v = add ? Math.fround(scale * sp[k]) : Math.fround(scale);
    for (let j = 0; j <= nj; j++) {
      const lim = R2 - gy[j];
      const off = (j + j0 - r0) * W + i0;
      if (add) {
        for (let i = 0; i <= ni; i++) if (gx[i] <= lim) buf[off + i] += v;
      } else {
        for (let i = 0; i <= ni; i++) if (gx[i] <= lim && buf[off + i] < v) buf[off + i] = v;
      }
    }
  }
}

/**
 * Read back band `b`'s footprints (the rectangles the splat wrote), row by row in runs that
 * are all inside or all outside the area (spans are sorted and disjoint): each nonzero pixel is copied to the kept raster,
 * counted in the stats when inside, and cleared. A pixel under several footprints is met once
 * (then it is zero). Returns the band's inside sum.
 */
export function gatherBand(job: BandJob, b: number, sc: BandScratch, out: BandResult): number {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const pix = job.pixMm;
  const R = job.radiusMm;
  const sx = job.spotX;
  const sy = job.spotY;
  const bandSpots = job.bandSpots;
  const spanStart = job.spanStart;
  const spanPix = job.spanPix;
  const raster = job.raster;
  const keep = raster !== null;
  let sum = 0;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    // Branch-free clamps: a clamp first taken after V8 optimized the loop would deoptimize it.
    const i0 = Math.max(0, Math.floor((x - R) / pix));
    const ie = Math.min(W - 1, Math.floor((x + R) / pix)) + 1;
    const j0 = Math.max(r0, Math.floor((y - R) / pix));
    const j1 = Math.min(r1 - 1, Math.floor((y + R) / pix));
    if (i0 >= ie || j0 > j1) continue;
    // Most footprints lie inside the area on every row: then one call reads the whole box.
    let whole = 1;
    for (let j = j0; j <= j1 && whole === 1; j++) {
      let covered = 0;
      for (let s = spanStart[j], se = spanStart[j + 1]; s < se; s += 2)
        covered |= spanPix[s] <= i0 && ie <= spanPix[s + 1] ? 1 : 0;
      whole = covered;
    }
    if (whole === 1) {
      sum += gatherBox(job, sc, out, (j0 - r0) * W + i0, ie - i0, j1 - j0 + 1, keep ? r0 * W : 0);
      continue;
    }
    for (let j = j0; j <= j1; j++) {
      const off = (j - r0) * W;
      const roff = keep ? j * W - off : 0;
      // Runs [i, a) outside and [a, e) inside per span, then [i, ie) outside; empty runs cost
      // a call, and no code path runs only for rare data (V8 would deoptimize on it).
      let i = i0;
      for (let s = spanStart[j], se = spanStart[j + 1]; s < se; s += 2) {
        const a = Math.min(ie, Math.max(i, spanPix[s]));
        const e = Math.min(ie, Math.max(a, spanPix[s + 1]));
        sum += gatherRun(job, sc, out, off + i, off + a, roff, false);
        sum += gatherRun(job, sc, out, off + a, off + e, roff, true);
        i = e;
      }
      sum += gatherRun(job, sc, out, off + i, off + ie, roff, false);
    }
  }
  return sum;
}

/**
 * Read and clear buffer pixels [p0, pe) of one row: inside the area they go into the stats
 * through {@link gatherBox} (one row); outside they are only copied to the kept raster (at
 * p + roff). Returns the sum of the inside run (0 outside).
 */
export function gatherRun(
  job: BandJob,
  sc: BandScratch,
  out: BandResult,
  p0: number,
  pe: number,
  roff: number,
  inside: boolean,
): number {
  if (inside) return gatherBox(job, sc, out, p0, pe - p0, 1, roff);
  const buf = sc.buf;
  const raster = job.raster;
  for (let p = p0; p < pe; p++) {
    const v = buf[p];
    if (v !== 0) {
      buf[p] = 0;
      if (raster !== null) raster[p + roff] = v;
    }
  }
  return 0;
}

/**
 * Read, count and clear a footprint box that lies inside the area on every row: `nh` rows of
 * `nw` buffer pixels from `p0` (raster index = buffer index + `roff`): each nonzero pixel is
 * copied to the kept raster, added to the stats and cleared. One call per box, not three per
 * row (calls were most of the gather's cost).
 */
export function gatherBox(
  job: BandJob,
  sc: BandScratch,
  out: BandResult,
  p0: number,
  nw: number,
  nh: number,
  roff: number,
): number {
  const W = job.width;
  const buf = sc.buf;
  const bits = sc.bits;
  const raster = job.raster;
  const keep = raster !== null;
  const hist = out.hist;
  const acc = out.acc;
  const counts = out.levelCounts;
  const levelBits = job.levelBits;
  const nl = levelBits.length;
  const l0 = nl > 0 ? levelBits[0] : 0xffffffff;
  let max = acc[0];
  let sum = 0;
  let c0 = 0;
  for (let r = 0; r < nh; r++) {
    for (let p = p0 + r * W, pe = p + nw; p < pe; p++) {
      const v = buf[p];
      if (v !== 0) {
        const u = bits[p];
        buf[p] = 0;
        if (keep) (raster as Float32Array)[p + roff] = v;
        sum += v;
        max = Math.max(max, v);
        // HIST_SHIFT, HIST_BASE, HIST_BINS − 1
        hist[Math.min(65535, Math.max(0, (u >>> 13) - 89088))]++;
        c0 += u >= l0 ? 1 : 0;
        for (let l = 1; l < nl; l++) counts[l] += u >= levelBits[l] ? 1 : 0;
      }
    }
  }
  acc[0] = max;
  if (nl > 0) counts[0] += c0;
  return sum;
}

/** The kernel's functions, for the worker source (each is declared there under its name). */
export const KERNEL_FUNCTIONS = [
  runBands,
  splatGaussLinear,
  splatGaussLog,
  splatDisc,
  gatherBand,
  gatherRun,
  gatherBox,
];
