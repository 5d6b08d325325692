/**
 * The splat-and-stats loops (src/dose/bands.ts drives them and documents the job, through the
 * facade src/wasm/splat.ts): one
 * instance per thread. A band is splatted into the instance's band buffer (spot order, so a
 * pixel's value does not depend on which thread did the band), then each spot's footprint is
 * read back once: every nonzero pixel goes into the stats when inside the area (sum, max,
 * histogram of float32 bits for the p95, counts at or above each level) and is cleared.
 *
 * Depth adds in float32 exactly as `Float32Array` arithmetic does (each pulse's value rounded to
 * float32, the sum done in double and rounded to float32, which equals float32 addition).
 */
import { alloc, gaussSeries, ldf, ldi, stf, sti } from "./memory";

// Footprint modes and the histogram of float32 bits (src/wasm/splat.ts documents them; a test
// checks the facade's values equal these).
export const MODE_GAUSS_LINEAR: i32 = 0;
export const MODE_GAUSS_LOG: i32 = 1;
export const MODE_DISC_ADD: i32 = 2;
export const MODE_DISC_MAX: i32 = 3;
export const HIST_SHIFT: u32 = 13;
export const HIST_BASE: i32 = (127 - 40) << 10;
export const HIST_BINS: i32 = 64 << 10;

let MODE: i32 = 0;
let W: i32 = 0;
let H: i32 = 0;
let BANDROWS: i32 = 0;
let PIX: f64 = 0;
let K2: f64 = 0;
let F0: f64 = 0;
let FTH: f64 = 0;
let SCALE: f64 = 0;
let R: f64 = 0;
let SX: usize = 0; // f64 per spot, mm from the raster's lower-left corner
let SY: usize = 0;
let SP: usize = 0; // f32 per spot: pulses
let BANDSTART: usize = 0; // i32 per band + 1
let BANDSPOTS: usize = 0; // i32
let SPANSTART: usize = 0; // i32 per row + 1
let SPANPIX: usize = 0; // i32 pairs [a, b)
let LEVELBITS: usize = 0; // u32 per level
let NL: i32 = 0;
let BUF: usize = 0; // f32 band buffer
let ROWS: usize = 0; // u8 per band row: 1 when a footprint touched it (the rows a kept raster needs)
let GX: usize = 0; // f64 footprint factors
let GY: usize = 0;
let HIST: usize = 0; // u32 per bin
let COUNTS: usize = 0; // f64 per level
let MAXV: f64 = 0;
let NONZERO: f64 = 0; // nonzero inside pixels
// Re-hit efficiency (docs/rehit.md), set by reHitSetup; off unless the laser has a table.
let REHIT: bool = false;
let ST: usize = 0; // f64 per spot: first-pulse time, ms
let PERIOD: f64 = 0; // ms between the stacked pulses of a spot
let RT: usize = 0; // f64 per table row: interval, ms (increasing)
let RE: usize = 0; // f64 per table row: efficiency
let RN: i32 = 0;
let LAST: usize = 0; // f32 band buffer: time of the pixel's last ablation, ms (−∞: never)
let LOSS: usize = 0; // f32 band buffer: depth lost to re-hits, µm
let BANDLOSS: f64 = 0; // inside sum of LOSS over the last gathered band
let CDT: f64 = NaN; // one-entry cache of eff(): most pixels of a footprint share their Δt
let CE: f64 = 1;

// @ts-ignore: decorator
@inline function ldf32(base: usize, i: i32): f32 {
  return load<f32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function stf32(base: usize, i: i32, v: f32): void {
  store<f32>(base + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline function addf32(base: usize, i: i32, v: f64): void {
  const p = base + (<usize>i << 2);
  store<f32>(p, <f32>(<f64>load<f32>(p) + v));
}

/**
 * Set the job (arrays from {@link alloc}, filled by the caller) and allocate this thread's band
 * buffer, footprint factors, histogram and level counts.
 */
export function splatSetup(
  mode: i32,
  width: i32,
  height: i32,
  bandRows: i32,
  pix: f64,
  k2: f64,
  f0: f64,
  fth: f64,
  scale: f64,
  radius: f64,
  sx: usize,
  sy: usize,
  sp: usize,
  bandStart: usize,
  bandSpots: usize,
  spanStart: usize,
  spanPix: usize,
  levelBits: usize,
  nl: i32,
): void {
  MODE = mode;
  W = width;
  H = height;
  BANDROWS = bandRows;
  PIX = pix;
  K2 = k2;
  F0 = f0;
  FTH = fth;
  SCALE = scale;
  R = radius;
  SX = sx;
  SY = sy;
  SP = sp;
  BANDSTART = bandStart;
  BANDSPOTS = bandSpots;
  SPANSTART = spanStart;
  SPANPIX = spanPix;
  LEVELBITS = levelBits;
  NL = nl;
  const k = <i32>Math.ceil((2 * radius) / pix) + 3;
  BUF = alloc(4 * bandRows * width);
  ROWS = alloc(bandRows);
  GX = alloc(8 * k);
  GY = alloc(8 * k);
  HIST = alloc(4 * (HIST_BINS + 1)); // + the zero pixels' bin
  COUNTS = alloc(8 * max(1, nl));
  MAXV = 0;
  NONZERO = 0;
  REHIT = false;
}

/**
 * Turn on re-hit efficiency for this job (after {@link splatSetup}): spot first-pulse times `st`
 * (f64 per spot, ms), `period` ms between a spot's stacked pulses, and the laser's table of `n`
 * rows (`rt` intervals, ms, increasing; `re` efficiencies). Allocates the band's last-ablation
 * times and lost depths. Bands must then list their spots in firing order.
 */
export function reHitSetup(st: usize, period: f64, rt: usize, re: usize, n: i32): void {
  REHIT = true;
  ST = st;
  PERIOD = period;
  RT = rt;
  RE = re;
  RN = n;
  LAST = alloc(4 * BANDROWS * W);
  LOSS = alloc(4 * BANDROWS * W);
  // Never ablated: −∞. The gather resets each footprint's pixels after a band (lossBox, clearRun).
  resetLast(0, BANDROWS * W);
  BANDLOSS = 0;
  CDT = NaN;
  CE = 1;
}

/** Inside depth lost to re-hits in the last band gathered, µm · pixels. */
export function bandLoss(): f64 {
  return BANDLOSS;
}

/**
 * e(Δt): linear in ln Δt between table rows, the first efficiency below the shortest interval,
 * 1 from the longest interval on (and for Δt = ∞, a first hit). Same formula as src/dose/rehit.ts.
 */
// @ts-ignore: decorator
@inline function eff(dt: f64): f64 {
  if (dt == CDT) return CE;
  return effMiss(dt);
}

function effMiss(dt: f64): f64 {
  let e: f64 = 1;
  const n = RN;
  if (dt < ldf(RT, n - 1)) {
    if (dt <= ldf(RT, 0)) e = ldf(RE, 0);
    else {
      let k = 0;
      while (dt > ldf(RT, k + 1)) k++;
      const t0 = ldf(RT, k);
      const e0 = ldf(RE, k);
      e = e0 + ((ldf(RE, k + 1) - e0) * Math.log(dt / t0)) / Math.log(ldf(RT, k + 1) / t0);
    }
  }
  CDT = dt;
  CE = e;
  return e;
}

/**
 * One spot with re-hit efficiency: per pixel its single-pulse depth d (any ablative mode), then
 * each pulse n at t0 + n·period adds d·e(t − last) (rounded to float32), the rest of d goes to
 * the lost depth, and the pixel's last-ablation time becomes t.
 */
function reHitSpot(x: f64, y: f64, i0: i32, j0: i32, ni: i32, nj: i32, r0: i32, pulses: f64, t0: f64): void {
  const pix = PIX;
  const k2 = K2;
  const mode = MODE;
  if (mode == MODE_GAUSS_LINEAR) {
    const c = Math.exp(-2 * k2 * pix * pix);
    const dx = (<f64>i0 + 0.5) * pix - x;
    gaussSeries(GX, ni + 1, F0 * Math.exp(-k2 * dx * dx), Math.exp(-k2 * pix * (2 * dx + pix)), c);
    const dy = (<f64>j0 + 0.5) * pix - y;
    gaussSeries(GY, nj + 1, Math.exp(-k2 * dy * dy), Math.exp(-k2 * pix * (2 * dy + pix)), c);
  } else {
    const log = mode == MODE_GAUSS_LOG;
    for (let i = 0; i <= ni; i++) {
      const dx = (<f64>(i + i0) + 0.5) * pix - x;
      stf(GX, i, log ? F0 - k2 * dx * dx : dx * dx);
    }
    for (let j = 0; j <= nj; j++) {
      const dy = (<f64>(j + j0) + 0.5) * pix - y;
      stf(GY, j, log ? k2 * dy * dy : dy * dy);
    }
  }
  const np = <i32>pulses;
  const scale = SCALE;
  const fth = FTH;
  const r2 = R * R;
  for (let j = 0; j <= nj; j++) {
    const gy = ldf(GY, j);
    const off = (j + j0 - r0) * W + i0;
    if (mode == MODE_GAUSS_LINEAR) {
      for (let i = 0; i <= ni; i++) {
        const f = ldf(GX, i) * gy;
        if (f > fth) reHitPixel(off + i, scale * (f - fth), t0, np);
      }
    } else if (mode == MODE_GAUSS_LOG) {
      for (let i = 0; i <= ni; i++) {
        const v = ldf(GX, i) - gy;
        if (v > 0) reHitPixel(off + i, scale * v, t0, np);
      }
    } else {
      const lim = r2 - gy;
      for (let i = 0; i <= ni; i++) if (ldf(GX, i) <= lim) reHitPixel(off + i, scale, t0, np);
    }
  }
}

/** `np` pulses of single-pulse depth d > 0 on band pixel p from t0 ms (see {@link reHitSpot}). */
// @ts-ignore: decorator
@inline function reHitPixel(p: i32, d: f64, t0: f64, np: i32): void {
  let last = <f64>ldf32(LAST, p);
  let acc = <f64>ldf32(BUF, p);
  let loss = <f64>ldf32(LOSS, p);
  const full = <f64>(<f32>d);
  const period = PERIOD;
  for (let n = 0; n < np; n++) {
    const t = <f64>(<f32>(t0 + <f64>n * period));
    const v = <f64>(<f32>(d * eff(t - last)));
    acc = <f64>(<f32>(acc + v));
    loss = <f64>(<f32>(loss + (full - v)));
    last = t;
  }
  stf32(BUF, p, <f32>acc);
  stf32(LOSS, p, <f32>loss);
  stf32(LAST, p, <f32>last);
}

/** Last-ablation times of pixels [p0, pe) back to −∞ (never ablated). */
function resetLast(p0: i32, pe: i32): void {
  for (let p = p0; p < pe; p++) stf32(LAST, p, -Infinity);
}

/**
 * Sum and clear `nh` rows of `nw` lost-depth pixels from `p0` (fixed order), and reset their
 * last-ablation times for the next band.
 */
function lossBox(p0: i32, nw: i32, nh: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < nh; r++) {
    const a = p0 + r * W;
    for (let p = a; p < a + nw; p++) s += <f64>ldf32(LOSS, p);
    memory.fill(LOSS + (<usize>a << 2), 0, <usize>nw << 2);
    resetLast(a, a + nw);
  }
  return s;
}

export function bufPtr(): usize {
  return BUF;
}
export function rowsPtr(): usize {
  return ROWS;
}
export function histPtr(): usize {
  return HIST;
}
export function countsPtr(): usize {
  return COUNTS;
}
export function maxValue(): f64 {
  return MAXV;
}
export function nonzeroCount(): f64 {
  return NONZERO;
}

/** Splat every spot of band b into the band buffer. */
export function splatBand(b: i32): void {
  const r0 = b * BANDROWS;
  const r1 = min(H, r0 + BANDROWS);
  const pix = PIX;
  const rad = R;
  const mode = MODE;
  memory.fill(ROWS, 0, <usize>BANDROWS);
  const rehit = REHIT;
  for (let q = ldi(BANDSTART, b), qe = ldi(BANDSTART, b + 1); q < qe; q++) {
    const k = ldi(BANDSPOTS, q);
    const x = ldf(SX, k);
    const y = ldf(SY, k);
    const i0 = <i32>Math.max(0, Math.floor((x - rad) / pix));
    const i1 = <i32>Math.min(<f64>(W - 1), Math.floor((x + rad) / pix));
    const j0 = <i32>Math.max(<f64>r0, Math.floor((y - rad) / pix));
    const j1 = <i32>Math.min(<f64>(r1 - 1), Math.floor((y + rad) / pix));
    if (i0 > i1 || j0 > j1) continue;
    const ni = i1 - i0;
    const nj = j1 - j0;
    memory.fill(ROWS + <usize>(j0 - r0), 1, <usize>(nj + 1));
    const pulses = <f64>ldf32(SP, k);
    if (rehit) reHitSpot(x, y, i0, j0, ni, nj, r0, pulses, ldf(ST, k));
    else if (mode == MODE_GAUSS_LINEAR) gaussLinear(x, y, i0, j0, ni, nj, r0, pulses);
    else if (mode == MODE_GAUSS_LOG) gaussLog(x, y, i0, j0, ni, nj, r0, pulses);
    else disc(x, y, i0, j0, ni, nj, r0, pulses);
  }
}

/**
 * Gaussian, linear law: F = F0·exp(−k2·dx²)·exp(−k2·dy²) by the recurrence
 * exp(−k2(d+p)²) = exp(−k2·d²)·exp(−k2·p(2d+p)); depth scale·pulses·(F − Fth) above threshold.
 * Pixels (i0 .. i0 + ni, j0 .. j0 + nj), band rows from r0.
 */
// @ts-ignore: decorator
@inline function gaussLinear(x: f64, y: f64, i0: i32, j0: i32, ni: i32, nj: i32, r0: i32, pulses: f64): void {
  const pix = PIX;
  const k2 = K2;
  const fth = FTH;
  const c = Math.exp(-2 * k2 * pix * pix);
  const dx = (<f64>i0 + 0.5) * pix - x;
  gaussSeries(GX, ni + 1, F0 * Math.exp(-k2 * dx * dx), Math.exp(-k2 * pix * (2 * dx + pix)), c);
  const dy = (<f64>j0 + 0.5) * pix - y;
  gaussSeries(GY, nj + 1, Math.exp(-k2 * dy * dy), Math.exp(-k2 * pix * (2 * dy + pix)), c);
  const sn = SCALE * pulses;
  const snv = f64x2.splat(sn);
  const fthv = f64x2.splat(fth);
  for (let j = 0; j <= nj; j++) {
    const fy = ldf(GY, j);
    const fyv = f64x2.splat(fy);
    const off = (j + j0 - r0) * W + i0;
    // Two pixels at a time: each lane rounds and adds exactly as the scalar tail does
    // (below threshold a lane adds +0, which leaves a depth ≥ 0 unchanged).
    let i = 0;
    for (; i < ni; i += 2) {
      const f = f64x2.mul(v128.load(GX + (<usize>i << 3)), fyv);
      const d = v128.and(f64x2.mul(snv, f64x2.sub(f, fthv)), f64x2.gt(f, fthv));
      const at = BUF + (<usize>(off + i) << 2);
      const sum = f64x2.add(
        f64x2.promote_low_f32x4(v128.load64_zero(at)),
        f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(d)),
      );
      v128.store64_lane(at, f32x4.demote_f64x2_zero(sum), 0);
    }
    if (i == ni) {
      const f = ldf(GX, i) * fy;
      if (f > fth) addf32(BUF, off + i, <f64><f32>(sn * (f - fth)));
    }
  }
}

/** Gaussian, log law: ln(F/Fth) = ln(F0/Fth) − k2·dx² − k2·dy², additive; depth scale·pulses·ln(F/Fth) where positive. */
// @ts-ignore: decorator
@inline function gaussLog(x: f64, y: f64, i0: i32, j0: i32, ni: i32, nj: i32, r0: i32, pulses: f64): void {
  const pix = PIX;
  const k2 = K2;
  const f0 = F0;
  for (let i = 0; i <= ni; i++) {
    const dx = (<f64>(i + i0) + 0.5) * pix - x;
    stf(GX, i, f0 - k2 * dx * dx);
  }
  for (let j = 0; j <= nj; j++) {
    const dy = (<f64>(j + j0) + 0.5) * pix - y;
    stf(GY, j, k2 * dy * dy);
  }
  const sn = SCALE * pulses;
  for (let j = 0; j <= nj; j++) {
    const ly = ldf(GY, j);
    const off = (j + j0 - r0) * W + i0;
    for (let i = 0; i <= ni; i++) {
      const v = ldf(GX, i) - ly;
      if (v > 0) addf32(BUF, off + i, <f64><f32>(sn * v));
    }
  }
}

/** Discs: top-hat craters add scale·pulses, non-ablative columns take the max of scale. */
// @ts-ignore: decorator
@inline function disc(x: f64, y: f64, i0: i32, j0: i32, ni: i32, nj: i32, r0: i32, pulses: f64): void {
  const pix = PIX;
  const scale = SCALE;
  const r2 = R * R;
  for (let i = 0; i <= ni; i++) {
    const dx = (<f64>(i + i0) + 0.5) * pix - x;
    stf(GX, i, dx * dx);
  }
  for (let j = 0; j <= nj; j++) {
    const dy = (<f64>(j + j0) + 0.5) * pix - y;
    stf(GY, j, dy * dy);
  }
  const add = MODE == MODE_DISC_ADD;
  const v = add ? <f32>(scale * pulses) : <f32>scale;
  for (let j = 0; j <= nj; j++) {
    const lim = r2 - ldf(GY, j);
    const off = (j + j0 - r0) * W + i0;
    if (add) {
      for (let i = 0; i <= ni; i++) if (ldf(GX, i) <= lim) addf32(BUF, off + i, <f64>v);
    } else {
      for (let i = 0; i <= ni; i++)
        if (ldf(GX, i) <= lim && ldf32(BUF, off + i) < v) stf32(BUF, off + i, v);
    }
  }
}

/** One more pixel in each of the four histogram bins `bins`. */
// @ts-ignore: decorator
@inline function histAdd4(bins: v128): void {
  let hp = HIST + (<usize>i32x4.extract_lane(bins, 0) << 2);
  store<u32>(hp, load<u32>(hp) + 1);
  hp = HIST + (<usize>i32x4.extract_lane(bins, 1) << 2);
  store<u32>(hp, load<u32>(hp) + 1);
  hp = HIST + (<usize>i32x4.extract_lane(bins, 2) << 2);
  store<u32>(hp, load<u32>(hp) + 1);
  hp = HIST + (<usize>i32x4.extract_lane(bins, 3) << 2);
  store<u32>(hp, load<u32>(hp) + 1);
}

/** Count the four pixels `u` (float32 bits) at or above levels 1 .. nl − 1 (level 0 is counted by the caller). */
// @ts-ignore: decorator
@inline function countLevels4(u: v128, nl: i32): void {
  for (let l = 1; l < nl; l++) {
    const m = i32x4.ge_u(u, i32x4.splat(load<i32>(LEVELBITS + (<usize>l << 2))));
    const hits =
      i32x4.extract_lane(m, 0) + i32x4.extract_lane(m, 1) + i32x4.extract_lane(m, 2) + i32x4.extract_lane(m, 3);
    const cp = COUNTS + (<usize>l << 3);
    store<f64>(cp, load<f64>(cp) - <f64>hits);
  }
}

/**
 * Read, count and clear `nh` rows of `nw` buffer pixels from `p0`, all inside the area. Returns
 * their sum. Branch-free and four pixels at a time: a zero pixel adds nothing to the sum and the
 * max, counts in no level, and goes to the histogram's extra bin HIST_BINS (never read). The
 * sum runs in two double pairs (even and odd pixels of each four) plus the row tails, in a fixed
 * order, so a band's sum does not depend on who gathers it.
 */
function gatherBox(p0: i32, nw: i32, nh: i32): f64 {
  const w = W;
  const nl = NL;
  const l0: u32 = nl > 0 ? load<u32>(LEVELBITS) : 0xffffffff;
  const zero = i32x4.splat(0);
  const l0v = i32x4.splat(<i32>l0);
  const base = i32x4.splat(HIST_BASE);
  const lastBin = i32x4.splat(HIST_BINS - 1);
  const zeroBin = i32x4.splat(HIST_BINS);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let mxv = f32x4.splat(0);
  let c0v = i32x4.splat(0);
  let nzv = i32x4.splat(0);
  let tail = 0.0;
  let mx = MAXV;
  let c0 = 0;
  let nz = 0;
  for (let r = 0; r < nh; r++) {
    let p = p0 + r * w;
    const pe = p + nw;
    for (; p + 4 <= pe; p += 4) {
      const at = BUF + (<usize>p << 2);
      const u = v128.load(at);
      v128.store(at, zero);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(u));
      s1 = f64x2.add(
        s1,
        f64x2.promote_low_f32x4(i8x16.shuffle(u, u, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7)),
      );
      mxv = f32x4.max(mxv, u);
      const nzm = i32x4.ne(u, zero);
      nzv = i32x4.sub(nzv, nzm);
      c0v = i32x4.sub(c0v, i32x4.ge_u(u, l0v));
      const bins = v128.bitselect(
        i32x4.min_s(i32x4.max_s(i32x4.sub(i32x4.shr_u(u, HIST_SHIFT), base), zero), lastBin),
        zeroBin,
        nzm,
      );
      histAdd4(bins);
      countLevels4(u, nl);
    }
    for (; p < pe; p++) {
      const at = BUF + (<usize>p << 2);
      const u = load<u32>(at);
      const v = <f64>load<f32>(at);
      store<u32>(at, 0);
      tail += v;
      mx = Math.max(mx, v);
      const bin = u == 0 ? HIST_BINS : min(HIST_BINS - 1, max(0, <i32>(u >>> HIST_SHIFT) - HIST_BASE));
      const hp = HIST + (<usize>bin << 2);
      store<u32>(hp, load<u32>(hp) + 1);
      c0 += u >= l0 ? 1 : 0;
      nz += u != 0 ? 1 : 0;
      for (let l = 1; l < nl; l++) {
        const cp = COUNTS + (<usize>l << 3);
        if (u >= load<u32>(LEVELBITS + (<usize>l << 2))) store<f64>(cp, load<f64>(cp) + 1);
      }
    }
  }
  mx = Math.max(
    mx,
    <f64>Math.max(
      Math.max(f32x4.extract_lane(mxv, 0), f32x4.extract_lane(mxv, 1)),
      Math.max(f32x4.extract_lane(mxv, 2), f32x4.extract_lane(mxv, 3)),
    ),
  );
  MAXV = mx;
  nz += i32x4.extract_lane(nzv, 0) + i32x4.extract_lane(nzv, 1) + i32x4.extract_lane(nzv, 2) + i32x4.extract_lane(nzv, 3);
  c0 += i32x4.extract_lane(c0v, 0) + i32x4.extract_lane(c0v, 1) + i32x4.extract_lane(c0v, 2) + i32x4.extract_lane(c0v, 3);
  NONZERO += <f64>nz;
  if (nl > 0) store<f64>(COUNTS, load<f64>(COUNTS) + <f64>c0);
  const sv = f64x2.add(s0, s1);
  return f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1) + tail;
}

/** Clear buffer pixels [p0, pe) of one row (outside the area: not counted). */
function clearRun(p0: i32, pe: i32): void {
  if (pe > p0) {
    memory.fill(BUF + (<usize>p0 << 2), 0, <usize>(pe - p0) << 2);
    if (REHIT) {
      memory.fill(LOSS + (<usize>p0 << 2), 0, <usize>(pe - p0) << 2);
      resetLast(p0, pe);
    }
  }
}

/**
 * Read back band b's footprints (the rectangles the splat wrote), row by row in runs all inside
 * or all outside the area; a pixel under several footprints is met once (then it is zero).
 * Returns the band's inside sum.
 */
export function gatherBand(b: i32): f64 {
  const w = W;
  const r0 = b * BANDROWS;
  const r1 = min(H, r0 + BANDROWS);
  const pix = PIX;
  const rad = R;
  let sum = 0.0;
  const rehit = REHIT;
  BANDLOSS = 0;
  for (let q = ldi(BANDSTART, b), qe = ldi(BANDSTART, b + 1); q < qe; q++) {
    const k = ldi(BANDSPOTS, q);
    const x = ldf(SX, k);
    const y = ldf(SY, k);
    const i0 = <i32>Math.max(0, Math.floor((x - rad) / pix));
    const ie = <i32>Math.min(<f64>(w - 1), Math.floor((x + rad) / pix)) + 1;
    const j0 = <i32>Math.max(<f64>r0, Math.floor((y - rad) / pix));
    const j1 = <i32>Math.min(<f64>(r1 - 1), Math.floor((y + rad) / pix));
    if (i0 >= ie || j0 > j1) continue;
    // Most footprints lie inside the area on every row: then one call reads the whole box.
    let whole = true;
    for (let j = j0; j <= j1 && whole; j++) {
      let covered = false;
      for (let s = ldi(SPANSTART, j), se = ldi(SPANSTART, j + 1); s < se; s += 2)
        if (ldi(SPANPIX, s) <= i0 && ie <= ldi(SPANPIX, s + 1)) covered = true;
      whole = covered;
    }
    if (whole) {
      if (rehit) BANDLOSS += lossBox((j0 - r0) * w + i0, ie - i0, j1 - j0 + 1);
      sum += gatherBox((j0 - r0) * w + i0, ie - i0, j1 - j0 + 1);
      continue;
    }
    for (let j = j0; j <= j1; j++) {
      const off = (j - r0) * w;
      let i = i0;
      for (let s = ldi(SPANSTART, j), se = ldi(SPANSTART, j + 1); s < se; s += 2) {
        const a = min(ie, max(i, ldi(SPANPIX, s)));
        const e = min(ie, max(a, ldi(SPANPIX, s + 1)));
        clearRun(off + i, off + a);
        if (e > a) {
          if (rehit) BANDLOSS += lossBox(off + a, e - a, 1);
          sum += gatherBox(off + a, e - a, 1);
        }
        i = e;
      }
      clearRun(off + i, off + ie);
    }
  }
  return sum;
}

/** Splat and gather band b; returns its inside sum. */
export function band(b: i32): f64 {
  splatBand(b);
  return gatherBand(b);
}
