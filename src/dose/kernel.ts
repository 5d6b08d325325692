/**
 * The splat-and-stats kernel, run on the main thread and in worker threads alike. Its functions
 * must stay self-contained (no imports, no nested named functions, calls only to each other):
 * the worker is built from their `toString()` ({@link KERNEL_FUNCTIONS}), so the same code runs
 * from src/ under vitest and from dist/ without a separate worker file to find. Small
 * functions called per band (not one big loop) let V8 optimize them early: a CLI runs the
 * kernel once, so on-stack replacement of one giant loop would leave most of it unoptimized.
 */

/** Footprint modes. */
export const MODE_GAUSS_LINEAR = 0;
export const MODE_GAUSS_LOG = 1;
export const MODE_DISC_ADD = 2;
export const MODE_DISC_MAX = 3;

/** float32 bit pattern >>> HIST_SHIFT is the histogram bin (positive floats order like their bits). */
export const HIST_SHIFT = 13;
/** Number of histogram bins: every positive float32 maps to one (relative bin width 2^-10). */
export const HIST_BINS = 1 << (31 - HIST_SHIFT);

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
  /** Inside pixel runs of row j: spanPix[spanStart[j] .. spanStart[j + 1]) as [a, b) pairs. */
  spanStart: Int32Array;
  spanPix: Int32Array;
  /** Count pixels ≥ each level (µm). */
  levels: Float64Array;
  /** The whole raster (kept for output), or null: each thread then splats into a band buffer. */
  raster: Float32Array | null;
  /** Next band to claim. */
  counter: Int32Array;
  /** Sum of the values inside the area, per band (merged in band order: thread-count independent). */
  bandSum: Float64Array;
}

/** What one thread accumulated (integer counts and a max: order independent). */
export interface BandResult {
  max: number;
  nonzero: number;
  levelCounts: Float64Array;
  hist: Uint32Array;
}

/** Per-thread scratch: band buffer, footprint factors and touched-chunk flags. */
export interface BandScratch {
  buf: Float32Array;
  bits: Uint32Array;
  own: boolean;
  gx: Float64Array;
  gy: Float64Array;
  /** Touched 8-pixel chunks per band row (the stats and the clean-up skip the rest). */
  flags: Uint8Array;
  rowLo: Int32Array;
  rowHi: Int32Array;
}

/**
 * Claim bands until none is left; splat every spot of a band into it (sums in spot order, so
 * each pixel's value does not depend on who did the band), then gather the stats of the band's
 * pixels that lie inside the area.
 */
export function runBands(job: BandJob, out: BandResult): void {
  const W = job.width;
  const B = job.bandRows;
  const K = Math.ceil((2 * job.radiusMm) / job.pixMm) + 3;
  const CW = (W + 7) >> 3;
  const own = job.raster === null;
  const buf: Float32Array = own ? new Float32Array(B * W) : (job.raster as Float32Array);
  const sc: BandScratch = {
    buf,
    bits: new Uint32Array(buf.buffer, buf.byteOffset, buf.length),
    own,
    gx: new Float64Array(K),
    gy: new Float64Array(K),
    flags: new Uint8Array(B * CW),
    rowLo: new Int32Array(B).fill(CW),
    rowHi: new Int32Array(B).fill(-1),
  };
  for (;;) {
    const b = Atomics.add(job.counter, 0, 1);
    if (b >= job.nBands) break;
    splatBand(job, b, sc);
    job.bandSum[b] = statsBand(job, b, sc, out);
    clearBand(job, b, sc);
  }
}

/** Splat the spots of band `b` into its rows. */
export function splatBand(job: BandJob, b: number, sc: BandScratch): void {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const base = sc.own ? r0 * W : 0;
  const pix = job.pixMm;
  const mode = job.mode;
  const k2 = job.k2;
  const f0 = job.f0;
  const fth = job.fth;
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
  const flags = sc.flags;
  const rowLo = sc.rowLo;
  const rowHi = sc.rowHi;
  const CW = (W + 7) >> 3;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    const n = sp[k];
    let i0 = Math.floor((x - R) / pix);
    let i1 = Math.floor((x + R) / pix);
    let j0 = Math.floor((y - R) / pix);
    let j1 = Math.floor((y + R) / pix);
    if (i0 < 0) i0 = 0;
    if (i1 >= W) i1 = W - 1;
    if (j0 < r0) j0 = r0;
    if (j1 >= r1) j1 = r1 - 1;
    if (i0 > i1 || j0 > j1) continue;
    const ni = i1 - i0;
    const nj = j1 - j0;
    const c0 = i0 >> 3;
    const c1 = i1 >> 3;
    for (let r = j0 - r0; r <= j1 - r0; r++) {
      const fo = r * CW;
      for (let c = c0; c <= c1; c++) flags[fo + c] = 1;
      if (c0 < rowLo[r]) rowLo[r] = c0;
      if (c1 > rowHi[r]) rowHi[r] = c1;
    }
    if (mode === 0) {
      // F = F0·exp(−k2·dx²)·exp(−k2·dy²): one row and one column of factors per spot.
      for (let i = 0; i <= ni; i++) {
        const dx = (i + i0 + 0.5) * pix - x;
        gx[i] = f0 * Math.exp(-k2 * dx * dx);
      }
      for (let j = 0; j <= nj; j++) {
        const dy = (j + j0 + 0.5) * pix - y;
        gy[j] = Math.exp(-k2 * dy * dy);
      }
      const sn = scale * n;
      for (let j = 0; j <= nj; j++) {
        const fy = gy[j];
        const off = (j + j0) * W + i0 - base;
        for (let i = 0; i <= ni; i++) {
          const f = gx[i] * fy;
          if (f > fth) buf[off + i] += Math.fround(sn * (f - fth));
        }
      }
    } else if (mode === 1) {
      // ln(F/Fth) = ln(F0/Fth) − k2·dx² − k2·dy²: additive, no log per pixel.
      for (let i = 0; i <= ni; i++) {
        const dx = (i + i0 + 0.5) * pix - x;
        gx[i] = f0 - k2 * dx * dx;
      }
      for (let j = 0; j <= nj; j++) {
        const dy = (j + j0 + 0.5) * pix - y;
        gy[j] = k2 * dy * dy;
      }
      const sn = scale * n;
      for (let j = 0; j <= nj; j++) {
        const ly = gy[j];
        const off = (j + j0) * W + i0 - base;
        for (let i = 0; i <= ni; i++) {
          const v = gx[i] - ly;
          if (v > 0) buf[off + i] += Math.fround(sn * v);
        }
      }
    } else {
      for (let i = 0; i <= ni; i++) {
        const dx = (i + i0 + 0.5) * pix - x;
        gx[i] = dx * dx;
      }
      for (let j = 0; j <= nj; j++) {
        const dy = (j + j0 + 0.5) * pix - y;
        gy[j] = dy * dy;
      }
      const v = mode === 2 ? Math.fround(scale * n) : Math.fround(scale);
      for (let j = 0; j <= nj; j++) {
        const lim = R2 - gy[j];
        const off = (j + j0) * W + i0 - base;
        if (mode === 2) {
          for (let i = 0; i <= ni; i++) if (gx[i] <= lim) buf[off + i] += v;
        } else {
          for (let i = 0; i <= ni; i++) if (gx[i] <= lim && buf[off + i] < v) buf[off + i] = v;
        }
      }
    }
  }
}

/** Stats of band `b` over the inside runs of its rows, touched chunks only; returns the band's sum. */
export function statsBand(job: BandJob, b: number, sc: BandScratch, out: BandResult): number {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const base = sc.own ? r0 * W : 0;
  const CW = (W + 7) >> 3;
  const spanStart = job.spanStart;
  const spanPix = job.spanPix;
  const levels = job.levels;
  const nl = levels.length;
  const lc = out.levelCounts;
  const hist = out.hist;
  const buf = sc.buf;
  const bits = sc.bits;
  const flags = sc.flags;
  const rowLo = sc.rowLo;
  const rowHi = sc.rowHi;
  let max = out.max;
  let nonzero = out.nonzero;
  let sum = 0;
  for (let j = r0; j < r1; j++) {
    const r = j - r0;
    const lo = rowLo[r] << 3;
    const hi = (rowHi[r] + 1) << 3;
    if (hi <= lo) continue;
    const off = j * W - base;
    const fo = r * CW;
    for (let s = spanStart[j], se = spanStart[j + 1]; s < se; s += 2) {
      const a = Math.max(spanPix[s], lo);
      const e = Math.min(spanPix[s + 1], hi);
      if (e <= a) continue;
      for (let c = a >> 3, ce = (e - 1) >> 3; c <= ce; c++) {
        if (flags[fo + c] === 0) continue;
        const pa = Math.max(c << 3, a) + off;
        const pe = Math.min((c + 1) << 3, e) + off;
        for (let p = pa; p < pe; p++) {
          const v = buf[p];
          if (v !== 0) {
            sum += v;
            nonzero++;
            if (v > max) max = v;
            hist[bits[p] >>> 13]++; // HIST_SHIFT
            for (let l = 0; l < nl; l++) if (v >= levels[l]) lc[l]++;
          }
        }
      }
    }
  }
  out.max = max;
  out.nonzero = nonzero;
  return sum;
}

/** Clear the touched chunks of band `b` (and, for a band buffer, its pixels in them). */
export function clearBand(job: BandJob, b: number, sc: BandScratch): void {
  const W = job.width;
  const r0 = b * job.bandRows;
  const r1 = Math.min(job.height, r0 + job.bandRows);
  const CW = (W + 7) >> 3;
  const buf = sc.buf;
  const flags = sc.flags;
  const rowLo = sc.rowLo;
  const rowHi = sc.rowHi;
  for (let r = 0; r < r1 - r0; r++) {
    const ce = rowHi[r];
    if (ce < 0) continue;
    const fo = r * CW;
    const off = r * W;
    for (let c = rowLo[r]; c <= ce; c++) {
      if (flags[fo + c] === 0) continue;
      flags[fo + c] = 0;
      if (sc.own) {
        const pe = Math.min((c + 1) << 3, W);
        for (let p = c << 3; p < pe; p++) buf[off + p] = 0;
      }
    }
    rowLo[r] = CW;
    rowHi[r] = -1;
  }
}

/** The kernel's functions, for the worker source (each is declared there under its name). */
export const KERNEL_FUNCTIONS = [runBands, splatBand, statsBand, clearBand];
