/**
 * The grid part of the heat index (src/sequence/heat-exact.ts explains the method). It is the
 * one serial part of the heat index: fields advance slot by slot, so it cannot be split between
 * threads; compiled ahead, it runs at full speed from the first spot.
 *
 * Every array lives in the module's linear memory, laid out by the facade (src/wasm/heat-grid.ts)
 * with `alloc` (memory.ts). Arithmetic is IEEE double throughout; `Math.exp` is AssemblyScript's (musl's), the
 * same on every machine, so the grid part is the same bits everywhere.
 */

// Fields per level, nodes beyond the spots' box, blur half-width (src/wasm/heat-grid.ts reads the
// exported values' twins; a test checks they are equal).
export const FIELDS: i32 = 7;
export const MARGIN: i32 = 12;
export const TAPS: i32 = 3;
/** Field values below this are trimmed away (the heat index: 1e-9; the bulk rise sets its own). */
let TRIM: f64 = 1e-9;

import { gaussSeries, ldf, ldi, stf, sti, zero } from "./memory";

// Two doubles at element i (SIMD; unaligned loads and stores are fine in WebAssembly).
// @ts-ignore: decorator
@inline function ldv(base: usize, i: i32): v128 {
  return v128.load(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function stv(base: usize, i: i32, v: v128): void {
  v128.store(base + (<usize>i << 3), v);
}

// ---- the run's arrays (pointers into memory) and constants ----
let X: usize = 0;
let Y: usize = 0;
let T: usize = 0;
let P: usize = 0;
let SLOT: usize = 0; // i32 per spot
let OUT: usize = 0;
let LEVELS: i32 = 0;
let HL: usize = 0; // f64 per level: node spacing
let PL: usize = 0; // f64 per level: slot length, ms
let OXL: usize = 0; // f64 per level: x of node 0
let OYL: usize = 0;
let NXL: usize = 0; // i32 per level
let NYL: usize = 0;
let SLOTL: usize = 0; // i32 per level: current slot
let PEND: usize = 0; // i32 per level: group waiting to enter (−1: none)
let FP: usize = 0; // u32 per field: its array
let RECT: usize = 0; // i32 ×4 per field: x0, x1, y0, y1 (empty: x0 > x1)
let TMP: usize = 0;
let LINE: usize = 0;
let COLMAX: usize = 0;
let WXS: usize = 0;
let WYS: usize = 0;
let N: i32 = 0;
let W2: f64 = 0;
let FOURK: f64 = 0;
let SLOTMS: f64 = 0;
let T0: f64 = 0;
let G0: f64 = 0;
let G1: f64 = 0;
let G2: f64 = 0;
let G3: f64 = 0;
// The taps without decay, and the run's decay rate λ (1/ms): every field then carries heat times
// e^{−λ·age} (the bulk rise's exponential terms, src/heat/bulk-grid.ts); λ = 0 for the heat index,
// where every factor it adds is exactly 1.
let B0: f64 = 0;
let B1: f64 = 0;
let B2: f64 = 0;
let B3: f64 = 0;
let LAMBDA: f64 = 0;
let depositNext: i32 = 0;

// @ts-ignore: decorator
@inline function field(f: i32): usize {
  return <usize>load<u32>(FP + (<usize>f << 2));
}

function clearField(f: i32): void {
  const r = f * 4;
  if (ldi(RECT, r) <= ldi(RECT, r + 1)) {
    const a = field(f);
    const nx = ldi(NXL, f / FIELDS);
    for (let b = ldi(RECT, r + 2); b <= ldi(RECT, r + 3); b++)
      zero(a, b * nx + ldi(RECT, r), b * nx + ldi(RECT, r + 1) + 1);
  }
  sti(RECT, r, 1);
  sti(RECT, r + 1, 0);
}

/** Add field `src` into field `dst` (same level). */
function addField(src: i32, dst: i32): void {
  const rs = src * 4;
  if (ldi(RECT, rs) > ldi(RECT, rs + 1)) return;
  const rd = dst * 4;
  const a = field(src);
  const d = field(dst);
  const nx = ldi(NXL, src / FIELDS);
  const x0 = ldi(RECT, rs);
  const x1 = ldi(RECT, rs + 1);
  for (let b = ldi(RECT, rs + 2); b <= ldi(RECT, rs + 3); b++) {
    let k = b * nx + x0;
    const e = b * nx + x1;
    for (; k < e; k += 2) stv(d, k, f64x2.add(ldv(d, k), ldv(a, k)));
    if (k == e) stf(d, k, ldf(d, k) + ldf(a, k));
  }
  if (ldi(RECT, rd) > ldi(RECT, rd + 1)) {
    sti(RECT, rd, x0);
    sti(RECT, rd + 1, x1);
    sti(RECT, rd + 2, ldi(RECT, rs + 2));
    sti(RECT, rd + 3, ldi(RECT, rs + 3));
  } else {
    sti(RECT, rd, min(ldi(RECT, rd), x0));
    sti(RECT, rd + 1, max(ldi(RECT, rd + 1), x1));
    sti(RECT, rd + 2, min(ldi(RECT, rd + 2), ldi(RECT, rs + 2)));
    sti(RECT, rd + 3, max(ldi(RECT, rd + 3), ldi(RECT, rs + 3)));
  }
}

/** The row pass of {@link blurField}: field `a`'s rect rows x0..x1, y0..y1 blurred along x into TMP (nodes nx0..nx1). */
// @ts-ignore: decorator
@inline function blurRows(a: usize, nx: i32, x0: i32, x1: i32, y0: i32, y1: i32, nx0: i32, nx1: i32, wn: i32): void {
  const g0 = G0;
  const g1 = G1;
  const g2 = G2;
  const g3 = G3;
  const v0 = f64x2.splat(g0);
  const v1 = f64x2.splat(g1);
  const v2 = f64x2.splat(g2);
  const v3 = f64x2.splat(g3);
  const hIn = y1 - y0 + 1;
  zero(TMP, 0, 2 * TAPS * wn);
  zero(TMP, (hIn + 2 * TAPS) * wn, (hIn + 4 * TAPS) * wn);
  const off = x0 - 2 * TAPS; // LINE[k] is node off + k
  const lineLen = x1 - x0 + 1 + 4 * TAPS;
  for (let b = y0; b <= y1; b++) {
    const row = b * nx;
    zero(LINE, 0, lineLen);
    memory.copy(LINE + (<usize>(x0 - off) << 3), a + (<usize>(row + x0) << 3), <usize>(x1 - x0 + 1) << 3);
    const tr = (b - y0 + 2 * TAPS) * wn - nx0;
    let a2 = nx0;
    for (; a2 < nx1; a2 += 2) {
      const c = a2 - off;
      let v = f64x2.mul(v0, ldv(LINE, c));
      v = f64x2.add(v, f64x2.mul(v1, f64x2.add(ldv(LINE, c - 1), ldv(LINE, c + 1))));
      v = f64x2.add(v, f64x2.mul(v2, f64x2.add(ldv(LINE, c - 2), ldv(LINE, c + 2))));
      v = f64x2.add(v, f64x2.mul(v3, f64x2.add(ldv(LINE, c - 3), ldv(LINE, c + 3))));
      stv(TMP, tr + a2, v);
    }
    if (a2 == nx1) {
      const c = a2 - off;
      stf(
        TMP,
        tr + a2,
        g0 * ldf(LINE, c) +
          g1 * (ldf(LINE, c - 1) + ldf(LINE, c + 1)) +
          g2 * (ldf(LINE, c - 2) + ldf(LINE, c + 2)) +
          g3 * (ldf(LINE, c - 3) + ldf(LINE, c + 3)),
      );
    }
  }
}

/**
 * After {@link blurField}'s column pass (rows Y0..Y1 and the columns of COLMAX at or above TRIM):
 * zero the faded edges of field `a` and store its new rect at RECT[r] (empty when nothing is left).
 */
function trimField(r: i32, a: usize, nx: i32, nx0: i32, nx1: i32, ny0: i32, ny1: i32, wn: i32, Y0: i32, Y1: i32): void {
  let X0 = -1;
  let X1 = -1;
  for (let k = 0; k < wn; k++)
    if (ldf(COLMAX, k) >= TRIM) {
      if (X0 < 0) X0 = nx0 + k;
      X1 = nx0 + k;
    }
  if (Y0 < 0 || X0 < 0) {
    for (let b = ny0; b <= ny1; b++) zero(a, b * nx + nx0, b * nx + nx1 + 1);
    sti(RECT, r, 1);
    sti(RECT, r + 1, 0);
    return;
  }
  for (let b = ny0; b <= ny1; b++) {
    if (b < Y0 || b > Y1) zero(a, b * nx + nx0, b * nx + nx1 + 1);
    else {
      if (X0 > nx0) zero(a, b * nx + nx0, b * nx + X0);
      if (X1 < nx1) zero(a, b * nx + X1 + 1, b * nx + nx1 + 1);
    }
  }
  sti(RECT, r, X0);
  sti(RECT, r + 1, X1);
  sti(RECT, r + 2, Y0);
  sti(RECT, r + 3, Y1);
}

/** One slot of diffusion: separable 7-tap Gaussian of variance 1 node²; the rect grows, then faded edges go. */
function blurField(f: i32): void {
  const r = f * 4;
  const x0 = ldi(RECT, r);
  const x1 = ldi(RECT, r + 1);
  if (x0 > x1) return;
  const l = f / FIELDS;
  const a = field(f);
  const nx = ldi(NXL, l);
  const ny = ldi(NYL, l);
  const y0 = ldi(RECT, r + 2);
  const y1 = ldi(RECT, r + 3);
  const nx0 = max(0, x0 - TAPS);
  const nx1 = min(nx - 1, x1 + TAPS);
  const ny0 = max(0, y0 - TAPS);
  const ny1 = min(ny - 1, y1 + TAPS);
  const wn = nx1 - nx0 + 1;
  const g0 = G0;
  const g1 = G1;
  const g2 = G2;
  const g3 = G3;
  const v0 = f64x2.splat(g0);
  const v1 = f64x2.splat(g1);
  const v2 = f64x2.splat(g2);
  const v3 = f64x2.splat(g3);
  // Row pass into TMP: node (a2, b) at TMP[(b − y0 + 2·TAPS)·wn + a2 − nx0]; 2·TAPS zero rows each side.
  blurRows(a, nx, x0, x1, y0, y1, nx0, nx1, wn);
  // Column pass back into the field, with the largest value per row and column.
  zero(COLMAX, 0, wn);
  let Y0 = -1;
  let Y1 = -1;
  for (let b = ny0; b <= ny1; b++) {
    const t0r = (b - y0 + 2 * TAPS) * wn;
    const row = b * nx + nx0;
    let rowMaxV = f64x2.splat(0);
    let k = 0;
    for (; k + 1 < wn; k += 2) {
      const c = t0r + k;
      let v = f64x2.mul(v0, ldv(TMP, c));
      v = f64x2.add(v, f64x2.mul(v1, f64x2.add(ldv(TMP, c - wn), ldv(TMP, c + wn))));
      v = f64x2.add(v, f64x2.mul(v2, f64x2.add(ldv(TMP, c - 2 * wn), ldv(TMP, c + 2 * wn))));
      v = f64x2.add(v, f64x2.mul(v3, f64x2.add(ldv(TMP, c - 3 * wn), ldv(TMP, c + 3 * wn))));
      stv(a, row + k, v);
      const m = f64x2.abs(v);
      rowMaxV = f64x2.max(rowMaxV, m);
      stv(COLMAX, k, f64x2.max(ldv(COLMAX, k), m));
    }
    let rowMax = Math.max(f64x2.extract_lane(rowMaxV, 0), f64x2.extract_lane(rowMaxV, 1));
    if (k < wn) {
      const c = t0r + k;
      const v =
        g0 * ldf(TMP, c) +
        g1 * (ldf(TMP, c - wn) + ldf(TMP, c + wn)) +
        g2 * (ldf(TMP, c - 2 * wn) + ldf(TMP, c + 2 * wn)) +
        g3 * (ldf(TMP, c - 3 * wn) + ldf(TMP, c + 3 * wn));
      stf(a, row + k, v);
      const m = Math.abs(v);
      rowMax = Math.max(rowMax, m);
      stf(COLMAX, k, Math.max(ldf(COLMAX, k), m));
    }
    if (rowMax >= TRIM) {
      if (Y0 < 0) Y0 = b;
      Y1 = b;
    }
  }
  trimField(r, a, nx, nx0, nx1, ny0, ny1, wn, Y0, Y1);
}

/** out[k] = e^{−u(e0 + k)²}, k < count, by a product recurrence (three exponentials). */
function gaussRow(out: usize, count: i32, e0: f64, u: f64): void {
  gaussSeries(out, count, Math.exp(-u * e0 * e0), Math.exp(-u * (2 * e0 + 1)), Math.exp(-2 * u));
}

/** Sample spot j's Gaussian at age `ageMs` onto field f of level 0. */
function deposit(j: i32, ageMs: f64, f: i32): void {
  const s = W2 + FOURK * ageMs;
  const h = ldf(HL, 0);
  const nx = ldi(NXL, 0);
  const ny = ldi(NYL, 0);
  const reach = 3 * Math.sqrt(s); // e^{−9}
  const fx = (ldf(X, j) - ldf(OXL, 0)) / h;
  const fy = (ldf(Y, j) - ldf(OYL, 0)) / h;
  const a0 = max(0, <i32>Math.ceil(fx - reach / h));
  const a1 = min(nx - 1, <i32>Math.floor(fx + reach / h));
  const b0 = max(0, <i32>Math.ceil(fy - reach / h));
  const b1 = min(ny - 1, <i32>Math.floor(fy + reach / h));
  if (a0 > a1 || b0 > b1) return;
  const amp = ((ldf(P, j) * W2) / s) * Math.exp(-LAMBDA * ageMs);
  const u = (h * h) / s;
  gaussRow(WXS, a1 - a0 + 1, <f64>a0 - fx, u);
  gaussRow(WYS, b1 - b0 + 1, <f64>b0 - fy, u);
  const buf = field(f);
  for (let b = b0; b <= b1; b++) {
    const wy = amp * ldf(WYS, b - b0);
    const row = b * nx;
    const wyv = f64x2.splat(wy);
    let a2 = a0;
    for (; a2 < a1; a2 += 2)
      stv(buf, row + a2, f64x2.add(ldv(buf, row + a2), f64x2.mul(wyv, ldv(WXS, a2 - a0))));
    if (a2 == a1) stf(buf, row + a2, ldf(buf, row + a2) + wy * ldf(WXS, a2 - a0));
  }
  const r = f * 4;
  if (ldi(RECT, r) > ldi(RECT, r + 1)) {
    sti(RECT, r, a0);
    sti(RECT, r + 1, a1);
    sti(RECT, r + 2, b0);
    sti(RECT, r + 3, b1);
  } else {
    sti(RECT, r, min(ldi(RECT, r), a0));
    sti(RECT, r + 1, max(ldi(RECT, r + 1), a1));
    sti(RECT, r + 2, min(ldi(RECT, r + 2), b0));
    sti(RECT, r + 3, max(ldi(RECT, r + 3), b1));
  }
}

/** Level l enters its slot s (the previous one was s − 1). */
function advance(l: i32, s: i32): void {
  const isTop = l == LEVELS - 1;
  const base = l * FIELDS;
  // 1. One slot of diffusion (and of decay: half in the row pass, half in the column pass) for
  // everything the level holds.
  const decay = Math.exp(-0.5 * LAMBDA * ldf(PL, l));
  G0 = B0 * decay;
  G1 = B1 * decay;
  G2 = B2 * decay;
  G3 = B3 * decay;
  for (let f = 0; f < 4; f++) blurField(base + f);
  if (isTop) blurField(base + 6);
  // 2. The oldest group leaves (already handed down) or joins the archive.
  if (s % 4 == 0 && s >= 12) {
    const f = (s / 4 - 3) & 3;
    if (isTop) addField(base + f, base + 6);
    clearField(base + f);
  }
  // 3. Slot m = s − 3 enters group m >> 2 at the reference time (s − 1)·P_l.
  const m = s - 3;
  if (m >= 0) {
    const f = (m >> 2) & 3;
    if (l == 0) {
      const refMs = T0 + <f64>(s - 1) * SLOTMS;
      while (depositNext < N && ldi(SLOT, depositNext) <= m) {
        deposit(depositNext, refMs - ldf(T, depositNext), base + f);
        depositNext++;
      }
    } else if (ldi(PEND, l) == m) {
      addField(base + 4, base + f);
      clearField(base + 4);
      sti(PEND, l, -1);
    }
  }
  // 4. Group q, complete, goes down at the next level's reference time (its slot q + 3).
  if (!isTop && s >= 9 && (s - 9) % 4 == 0) {
    const q = (s - 9) / 4;
    const f = q & 3;
    const rs = (base + f) * 4;
    const l1 = l + 1;
    const pend = l1 * FIELDS + 4;
    clearField(pend);
    sti(PEND, l1, q);
    if (ldi(RECT, rs) <= ldi(RECT, rs + 1)) {
      const nx1 = ldi(NXL, l1);
      const ax0 = max(0, (ldi(RECT, rs) + MARGIN + 1) >> 1);
      const ax1 = min(nx1 - 1, (ldi(RECT, rs + 1) + MARGIN) >> 1);
      const by0 = max(0, (ldi(RECT, rs + 2) + MARGIN + 1) >> 1);
      const by1 = min(ldi(NYL, l1) - 1, (ldi(RECT, rs + 3) + MARGIN) >> 1);
      if (ax0 <= ax1 && by0 <= by1) {
        const src = field(base + f);
        const dst = field(pend);
        const nx = ldi(NXL, l);
        for (let b = by0; b <= by1; b++)
          for (let a2 = ax0; a2 <= ax1; a2++)
            stf(dst, b * nx1 + a2, ldf(src, (2 * b - MARGIN) * nx + 2 * a2 - MARGIN));
        const rd = pend * 4;
        sti(RECT, rd, ax0);
        sti(RECT, rd + 1, ax1);
        sti(RECT, rd + 2, by0);
        sti(RECT, rd + 3, by1);
      }
    }
  }
  // 5. The sum the spots read.
  clearField(base + 5);
  for (let f = 0; f < 4; f++) addField(base + f, base + 5);
  if (isTop) addField(base + 6, base + 5);
  sti(SLOTL, l, s);
}

/** The grid part of spot i: the heat-kernel convolution of every level's summed field up to t_i. */
function readGrids(i: i32): f64 {
  const xi = ldf(X, i);
  const yi = ldf(Y, i);
  const tRel = ldf(T, i) - T0;
  let sum = 0.0;
  for (let l = 0; l < LEVELS; l++) {
    const r = (l * FIELDS + 5) * 4;
    if (ldi(RECT, r) > ldi(RECT, r + 1)) continue;
    const h = ldf(HL, l);
    const sinceRef = tRel - <f64>(ldi(SLOTL, l) - 1) * ldf(PL, l);
    const sb = FOURK * sinceRef;
    const reach = Math.sqrt(7 * sb) / h; // nodes, e^{−7}
    const fx = (xi - ldf(OXL, l)) / h;
    const fy = (yi - ldf(OYL, l)) / h;
    const a0 = max(ldi(RECT, r), <i32>Math.ceil(fx - reach));
    const a1 = min(ldi(RECT, r + 1), <i32>Math.floor(fx + reach));
    const b0 = max(ldi(RECT, r + 2), <i32>Math.ceil(fy - reach));
    const b1 = min(ldi(RECT, r + 3), <i32>Math.floor(fy + reach));
    if (a0 > a1 || b0 > b1) continue;
    const u = (h * h) / sb;
    gaussRow(WXS, a1 - a0 + 1, <f64>a0 - fx, u);
    gaussRow(WYS, b1 - b0 + 1, <f64>b0 - fy, u);
    const buf = field(l * FIELDS + 5);
    const nx = ldi(NXL, l);
    const wa = a1 - a0;
    let acc = 0.0;
    for (let b = b0; b <= b1; b++) {
      const row = b * nx + a0;
      // Two partial sums (even and odd nodes), added at the end of the row.
      let sv = f64x2.splat(0);
      let k = 0;
      for (; k < wa; k += 2) sv = f64x2.add(sv, f64x2.mul(ldv(buf, row + k), ldv(WXS, k)));
      let rowSum = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
      if (k == wa) rowSum += ldf(buf, row + k) * ldf(WXS, k);
      acc += rowSum * ldf(WYS, b - b0);
    }
    sum += ((acc * u) / Math.PI) * Math.exp(-LAMBDA * sinceRef);
  }
  return sum;
}

/**
 * Set the run's arrays and constants (pointers from {@link alloc}, filled by the caller; RECT
 * with every field empty, PEND with −1), then compute the grid part of every spot into OUT.
 */
export function grid(
  n: i32,
  x: usize,
  y: usize,
  t: usize,
  p: usize,
  slot: usize,
  out: usize,
  levels: i32,
  hl: usize,
  pl: usize,
  oxl: usize,
  oyl: usize,
  nxl: usize,
  nyl: usize,
  slotl: usize,
  pend: usize,
  fp: usize,
  rect: usize,
  tmp: usize,
  line: usize,
  colMax: usize,
  wxs: usize,
  wys: usize,
  w2: f64,
  fourK: f64,
  slotMs: f64,
  t0: f64,
  g0: f64,
  g1: f64,
  g2: f64,
  g3: f64,
  lambda: f64,
  trim: f64,
): void {
  N = n;
  X = x;
  Y = y;
  T = t;
  P = p;
  SLOT = slot;
  OUT = out;
  LEVELS = levels;
  HL = hl;
  PL = pl;
  OXL = oxl;
  OYL = oyl;
  NXL = nxl;
  NYL = nyl;
  SLOTL = slotl;
  PEND = pend;
  FP = fp;
  RECT = rect;
  TMP = tmp;
  LINE = line;
  COLMAX = colMax;
  WXS = wxs;
  WYS = wys;
  W2 = w2;
  FOURK = fourK;
  SLOTMS = slotMs;
  T0 = t0;
  G0 = g0;
  G1 = g1;
  G2 = g2;
  G3 = g3;
  B0 = g0;
  B1 = g1;
  B2 = g2;
  B3 = g3;
  LAMBDA = lambda;
  TRIM = trim;
  depositNext = 0;
  for (let i = 0; i < n; i++) {
    const s0 = ldi(SLOT, i);
    while (ldi(SLOTL, 0) < s0) {
      const s = ldi(SLOTL, 0) + 1;
      advance(0, s);
      for (let l = 1, d = 4; l < levels && s % d == 0; l++, d *= 4) advance(l, s / d);
    }
    stf(OUT, i, readGrids(i));
  }
}

/** Bounding box of n spots: out[0..3] = min x, max x, min y, max y. */
export function spotBox(n: i32, x: usize, y: usize, out: usize): void {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const xi = ldf(x, i);
    const yi = ldf(y, i);
    x0 = Math.min(x0, xi);
    x1 = Math.max(x1, xi);
    y0 = Math.min(y0, yi);
    y1 = Math.max(y1, yi);
  }
  stf(out, 0, x0);
  stf(out, 1, x1);
  stf(out, 2, y0);
  stf(out, 3, y1);
}

/** Slot of each spot: ⌊(t_i − t0)/slotMs⌋ into `out` (i32). */
export function slots(n: i32, t: usize, t0: f64, slotMs: f64, out: usize): void {
  for (let i = 0; i < n; i++) sti(out, i, <i32>Math.floor((ldf(t, i) - t0) / slotMs));
}

/**
 * For the slot cost model (heat.ts): at `samples` spots evenly through the scan, walk back once
 * and record the box [min x, max x, min y, max y] of the spots fired within each age cut:
 * cut c is (3 + (c & 1)) · choices[c >> 1] ms; box of sample k, cut c at out[(k·cuts + c)·4].
 */
export function windowBoxes(
  n: i32,
  x: usize,
  y: usize,
  t: usize,
  samples: i32,
  choices: usize,
  nChoices: i32,
  out: usize,
): void {
  const cuts = 2 * nChoices;
  for (let k = 0; k < samples; k++) {
    const i = min(n - 1, <i32>Math.floor(((<f64>k + 0.5) * <f64>n) / <f64>samples));
    let minX = ldf(x, i);
    let maxX = minX;
    let minY = ldf(y, i);
    let maxY = minY;
    let j = i - 1;
    const ti = ldf(t, i);
    for (let c = 0; c < cuts; c++) {
      const tEnd = ti - <f64>(3 + (c & 1)) * ldf(choices, c >> 1);
      for (; j >= 0 && ldf(t, j) >= tEnd; j--) {
        const xj = ldf(x, j);
        const yj = ldf(y, j);
        if (xj < minX) minX = xj;
        else if (xj > maxX) maxX = xj;
        if (yj < minY) minY = yj;
        else if (yj > maxY) maxY = yj;
      }
      const o = (k * cuts + c) * 4;
      stf(out, o, minX);
      stf(out, o + 1, maxX);
      stf(out, o + 2, minY);
      stf(out, o + 3, maxY);
    }
  }
}
