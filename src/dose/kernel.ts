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
  /** Inside pixel runs of row j: spanPix[spanStart[j] .. spanStart[j + 1]) as [a, b) pairs, sorted. */
  spanStart: Int32Array;
  spanPix: Int32Array;
  /** Levels (µm) whose exact counts are wanted; see {@link BandResult.levelExact}. */
  levels: Float64Array;
  /** 1 for the histogram bins next to a level (their pixels are compared with the levels exactly). */
  levelMark: Uint8Array;
  /** The whole raster (kept for output), or null (stats only). */
  raster: Float32Array | null;
  /** Next band to claim. */
  counter: Int32Array;
  /** Sum of the values inside the area, per band (merged in band order: thread-count independent). */
  bandSum: Float64Array;
}

/**
 * What one thread accumulated: integer counts and a max, order independent. The counts at or
 * above each level come from the histogram, except for pixels in the bins marked in
 * `job.levelMark`, which are compared with every level exactly and counted in `levelExact`.
 */
export interface BandResult {
  /** [max value]: a typed array, so the field never changes representation. */
  acc: Float64Array;
  /** Per level: pixels in marked bins at or above it. */
  levelExact: Float64Array;
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
  for (;;) {
    const b = Atomics.add(job.counter, 0, 1);
    if (b >= job.nBands) break;
    if (mode === 0) splatGaussLinear(job, b, sc);
    else if (mode === 1) splatGaussLog(job, b, sc);
    else splatDisc(job, b, sc);
    job.bandSum[b] = gatherBand(job, b, sc, out);
  }
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
 * Read back band `b`'s footprints (the rectangles the splat wrote): each nonzero pixel is copied
 * to the kept raster, counted in the stats when inside the area, and cleared. A pixel under
 * several footprints is met once (then it is zero). Returns the band's inside sum.
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
  const levels = job.levels;
  const nl = levels.length;
  const mark = job.levelMark;
  const raster = job.raster;
  const keep = raster !== null;
  const exact = out.levelExact;
  const hist = out.hist;
  const buf = sc.buf;
  const bits = sc.bits;
  let max = out.acc[0];
  let sum = 0;
  for (let q = job.bandStart[b], qe = job.bandStart[b + 1]; q < qe; q++) {
    const k = bandSpots[q];
    const x = sx[k];
    const y = sy[k];
    let i0 = Math.floor((x - R) / pix);
    let i1 = Math.floor((x + R) / pix);
    let j0 = Math.floor((y - R) / pix);
    let j1 = Math.floor((y + R) / pix);
    if (i0 < 0) i0 = 0;
    if (i1 >= W) i1 = W - 1;
    if (j0 < r0) j0 = r0;
    if (j1 >= r1) j1 = r1 - 1;
    if (i0 > i1 || j0 > j1) continue;
    const ie = i1 + 1;
    for (let j = j0; j <= j1; j++) {
      const off = (j - r0) * W;
      const roff = j * W;
      let i = i0;
      for (let s = spanStart[j], se = spanStart[j + 1]; s < se && i < ie; s += 2) {
        let a = spanPix[s];
        let e = spanPix[s + 1];
        if (e <= i) continue;
        if (a > ie) a = ie;
        if (a < i) a = i;
        if (e > ie) e = ie;
        // [i, a): outside the area.
        for (let p = off + i, pe = off + a; p < pe; p++) {
          const v = buf[p];
          if (v !== 0) {
            if (keep) (raster as Float32Array)[p - off + roff] = v;
            buf[p] = 0;
          }
        }
        // [a, e): inside.
        for (let p = off + a, pe = off + e; p < pe; p++) {
          const v = buf[p];
          if (v !== 0) {
            const h = bits[p] >>> 13; // HIST_SHIFT
            if (keep) (raster as Float32Array)[p - off + roff] = v;
            buf[p] = 0;
            sum += v;
            if (v > max) max = v;
            hist[h]++;
            if (mark[h] !== 0) for (let l = 0; l < nl; l++) if (v >= levels[l]) exact[l]++;
          }
        }
        i = e;
      }
      // [i, ie): outside the area.
      for (let p = off + i, pe = off + ie; p < pe; p++) {
        const v = buf[p];
        if (v !== 0) {
          if (keep) (raster as Float32Array)[p - off + roff] = v;
          buf[p] = 0;
        }
      }
    }
  }
  out.acc[0] = max;
  return sum;
}

/** The kernel's functions, for the worker source (each is declared there under its name). */
export const KERNEL_FUNCTIONS = [runBands, splatGaussLinear, splatGaussLog, splatDisc, gatherBand];
