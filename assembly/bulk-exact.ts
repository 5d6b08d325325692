/**
 * The bulk rise's recent heat, term by term (src/heat/bulk-rise.ts sets it up and explains the
 * method; src/wasm/bulk-exact.ts is its facade): for each spot, the pulses of the spots fired
 * before it within the cut-off's reach and age (with the far field: in its last three slots),
 * from cells of a uniform grid whose spots are packed cell by cell in firing order, walked
 * newest first. One instance per thread: {@link bulkExactSetup} once, then
 * {@link bulkExactBlock} over increasing blocks of spots (each thread keeps its own per-cell
 * pointers past the spots already fired). Every spot's sum is taken in the same order whatever
 * the blocks, so the result does not depend on how the threads share them.
 */
import { alloc, ldf, ldi, stf, sti } from "./memory";

/** Places in the parameter array of {@link bulkExactSetup}. */
const BULK_PARAM_MIN_X = 0;
const BULK_PARAM_MIN_Y = 1;
const BULK_PARAM_CELL = 2;
const BULK_PARAM_REACH_CELLS = 3;
const BULK_PARAM_R2_MAX = 4;
const BULK_PARAM_AGE_LIMIT = 5;
const BULK_PARAM_MAX_AGE = 6;
const BULK_PARAM_PERIOD_MS = 7;
const BULK_PARAM_T0 = 8;
const BULK_PARAM_SLOT_MS = 9;
const BULK_PARAM_S0 = 10;
const BULK_PARAM_FOUR_K = 11;
const BULK_PARAM_INV_DV = 12;
const BULK_PARAM_EXACT_CELLS = 13;
const BULK_PARAM_DEPTH = 14;
const BULK_PARAM_AMP_PER_L = 15;
const BULK_PARAM_Q_OVER_RHO_C = 16;
const BULK_PARAM_CUTOFF = 17;
/** Length of the parameter array. */
export const BULK_PARAMS = 18;

let NX: i32 = 0;
let NY: i32 = 0;
let PX: usize = 0; // f64 per entry (spots packed cell by cell, each cell in firing order)
let PY: usize = 0;
let PT: usize = 0;
let PP: usize = 0; // i32 per entry: pulses
let ITEMS: usize = 0; // i32 per entry: the spot's firing index
let POSOF: usize = 0; // i32 per spot: its entry
let CELLOF: usize = 0; // i32 per spot: its cell
let START: usize = 0; // i32 per cell + 1
let END: usize = 0; // i32 per cell: past the entries fired before the spot last summed (this instance's)
let FIRSTSLOT: usize = 0; // i32 per entry (far field only): the slot of its first pulse
let LASTSLOT: usize = 0; // i32 per entry (far field only): the latest slot a stack's last pulse can be in
let AGETAB: usize = 0; // f64, age factor × √τ on √τ
let RCTAB: usize = 0; // f64, squared cut-off radius on √τ
let MINX: f64 = 0;
let MINY: f64 = 0;
let CELL: f64 = 0;
let REACHCELLS: i32 = 0;
let R2MAX: f64 = 0;
let AGELIMIT: f64 = 0;
let MAXAGE: f64 = 0;
let PERIODMS: f64 = 0;
let T0: f64 = 0;
let SLOTMS: f64 = 0;
let FAR = false;
let S0: f64 = 0;
let FOURK: f64 = 0;
let INVDV: f64 = 0;
let EXACTCELLS: i32 = 0;
let DEPTH: f64 = 0;
let AMPPERL: f64 = 0;
let QOVERRHOC: f64 = 0;
let CUTOFF: f64 = 0;

/**
 * The error function: its Maclaurin series below 0.5, else 1 − erfc with the Chebyshev fit of
 * Numerical Recipes (src/heat/bulk-model.ts `erf`, the same arithmetic).
 */
export function bulkErf(x: f64): f64 {
  if (x < 0) return -bulkErf(-x);
  if (x < 0.5) {
    const x2 = x * x;
    return (
      1.1283791670955126 *
      x *
      (1 -
        x2 *
          (1.0 / 3 -
            x2 * (1.0 / 10 - x2 * (1.0 / 42 - x2 * (1.0 / 216 - x2 * (1.0 / 1320 - x2 * (1.0 / 9360 - x2 / 75600)))))))
    );
  }
  if (x > 6) return 1;
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 1 - y;
}

/** The age factor Q/(ρcL)·erf(L/√(4κτ))/π (the L → 0 limit for L = 0) at 4κτ (bulk-rise.ts `ageFactorAt`). */
// @ts-ignore: decorator
@inline function ageFactorAt(fourKTau: f64): f64 {
  return (
    (DEPTH > 0
      ? AMPPERL * bulkErf(DEPTH / Math.sqrt(fourKTau))
      : (QOVERRHOC * 2) / Math.sqrt(Math.PI * fourKTau)) *
    (1 / Math.PI)
  );
}

/**
 * Take a run's packed cells and tables (addresses in this instance, laid out as in the comments
 * above; `firstSlot`, `lastSlot` unused without the far field) and its scalars (`params`,
 * {@link BULK_PARAMS} doubles at the BULK_PARAM_* places; slot length 0: no far field).
 */
export function bulkExactSetup(
  n: i32,
  nx: i32,
  ny: i32,
  px: usize,
  py: usize,
  pt: usize,
  pp: usize,
  items: usize,
  posOf: usize,
  cellOf: usize,
  start: usize,
  firstSlot: usize,
  lastSlot: usize,
  ageTab: usize,
  rcTab: usize,
  params: usize,
): void {
  NX = nx;
  NY = ny;
  PX = px;
  PY = py;
  PT = pt;
  PP = pp;
  ITEMS = items;
  POSOF = posOf;
  CELLOF = cellOf;
  START = start;
  FIRSTSLOT = firstSlot;
  LASTSLOT = lastSlot;
  AGETAB = ageTab;
  RCTAB = rcTab;
  MINX = ldf(params, BULK_PARAM_MIN_X);
  MINY = ldf(params, BULK_PARAM_MIN_Y);
  CELL = ldf(params, BULK_PARAM_CELL);
  REACHCELLS = <i32>ldf(params, BULK_PARAM_REACH_CELLS);
  R2MAX = ldf(params, BULK_PARAM_R2_MAX);
  AGELIMIT = ldf(params, BULK_PARAM_AGE_LIMIT);
  MAXAGE = ldf(params, BULK_PARAM_MAX_AGE);
  PERIODMS = ldf(params, BULK_PARAM_PERIOD_MS);
  T0 = ldf(params, BULK_PARAM_T0);
  SLOTMS = ldf(params, BULK_PARAM_SLOT_MS);
  FAR = SLOTMS > 0;
  S0 = ldf(params, BULK_PARAM_S0);
  FOURK = ldf(params, BULK_PARAM_FOUR_K);
  INVDV = ldf(params, BULK_PARAM_INV_DV);
  EXACTCELLS = <i32>ldf(params, BULK_PARAM_EXACT_CELLS);
  DEPTH = ldf(params, BULK_PARAM_DEPTH);
  AMPPERL = ldf(params, BULK_PARAM_AMP_PER_L);
  QOVERRHOC = ldf(params, BULK_PARAM_Q_OVER_RHO_C);
  CUTOFF = ldf(params, BULK_PARAM_CUTOFF);
  const cells = nx * ny;
  END = alloc(4 * cells);
  memory.copy(END, START, <usize>cells << 2);
}

/**
 * The recent heat, K, each spot of [i0, i1) meets (blocks increasing across calls) into `dst`:
 * the pulses fired before it within the reach and age of the cut-off, terms below the cut-off
 * skipped; with the far field only the pulses of its last three slots (older ones are the
 * ladder's).
 */
export function bulkExactBlock(i0: i32, i1: i32, dst: usize): void {
  const nx = NX;
  const minX = MINX;
  const minY = MINY;
  const cell = CELL;
  const reachCells = REACHCELLS;
  const r2Max = R2MAX;
  const ageLimit = AGELIMIT;
  const maxAge = MAXAGE;
  const periodMs = PERIODMS;
  const t0 = T0;
  const slotMs = SLOTMS;
  const far = FAR;
  const s0 = S0;
  const fourK = FOURK;
  const invDv = INVDV;
  const exactCells = EXACTCELLS;
  const cutoff = CUTOFF;
  const ny = NY;
  for (let i = i0; i < i1; i++) {
    const own = ldi(POSOF, i);
    const xi = ldf(PX, own);
    const yi = ldf(PY, own);
    const ti = ldf(PT, own);
    // Pulses of slots below `floorSlot` are in the far field (the ladder's slot of a time, the same arithmetic).
    const floorSlot = far ? Math.floor((ti - t0) / slotMs) - 2 : -Infinity;
    const c = ldi(CELLOF, i);
    const cx = c % nx;
    const cy = (c - cx) / nx;
    const x0 = max(0, cx - reachCells);
    const x1 = min(nx - 1, cx + reachCells);
    const y0 = max(0, cy - reachCells);
    const y1 = min(ny - 1, cy + reachCells);
    let sum = 0.0;
    for (let gy = y0; gy <= y1; gy++) {
      // Nearest distance from the spot to the cell row (0 inside it).
      const ey = Math.max(Math.max(0, minY + <f64>gy * cell - yi), yi - (minY + <f64>(gy + 1) * cell));
      const ey2 = ey * ey;
      if (ey2 > r2Max) continue;
      const row = gy * nx;
      for (let gx = x0; gx <= x1; gx++) {
        const ex = Math.max(Math.max(0, minX + <f64>gx * cell - xi), xi - (minX + <f64>(gx + 1) * cell));
        if (ex * ex + ey2 > r2Max) continue;
        const cc = row + gx;
        const first = ldi(START, cc);
        // Move this cell's pointer past the spots fired before spot i.
        let end = ldi(END, cc);
        const stop = ldi(START, cc + 1);
        while (end < stop && ldi(ITEMS, end) < i) end++;
        sti(END, cc, end);
        for (let q = end - 1; q >= first; q--) {
          const tq = ldf(PT, q);
          const age = ti - tq;
          // Firing order within the cell: the rest are older (past the cut-off, or in the field).
          if (age > ageLimit || (far && <f64>ldi(LASTSLOT, q) < floorSlot)) break;
          const dx = ldf(PX, q) - xi;
          const dy = ldf(PY, q) - yi;
          const r2 = dx * dx + dy * dy;
          if (r2 > r2Max) continue;
          const pj = ldi(PP, q);
          for (let k = 0; k < pj; k++) {
            const tau = age - <f64>k * periodMs;
            if (!(tau > 0)) break;
            if (tau >= maxAge) continue;
            if (
              far &&
              (k == 0 ? <f64>ldi(FIRSTSLOT, q) : Math.floor((tq + <f64>k * periodMs - t0) / slotMs)) < floorSlot
            )
              continue;
            const v = Math.sqrt(tau);
            const u = v * invDv;
            const m = <i32>u;
            const f = u - <f64>m;
            const s = s0 + fourK * tau;
            let ageFactor: f64;
            if (m < exactCells) ageFactor = ageFactorAt(fourK * tau);
            else {
              const rc0 = ldf(RCTAB, m);
              if (r2 > rc0 + f * (ldf(RCTAB, m + 1) - rc0)) continue;
              const a0 = ldf(AGETAB, m);
              ageFactor = (a0 + f * (ldf(AGETAB, m + 1) - a0)) / v;
            }
            const term = (ageFactor / s) * Math.exp(-r2 / s);
            if (term >= cutoff) sum += term;
          }
        }
      }
    }
    stf(dst, i, sum);
  }
}
