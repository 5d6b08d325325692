/**
 * The exact part of the heat index (src/sequence/heat-exact.ts explains the method; src/wasm/heat-exact.ts is its facade): for each
 * spot, the spots fired in its last three slots (or all earlier spots when there are no grids)
 * within reach of the cut-off, from cells of a spatial grid whose lists run in firing order.
 * One instance per thread: {@link exactSetup} once, then {@link exactBlock} over increasing
 * blocks of spots (each thread keeps its own per-cell skip pointers).
 */
import { alloc, ldf, ldi, stf, sti } from "./memory";

const EXP_STEPS: f64 = 1024;

let N: i32 = 0;
let X: usize = 0;
let Y: usize = 0;
let T: usize = 0;
let W2: f64 = 0;
let FOURK: f64 = 0;
let SLOTMS: f64 = 0;
let GRIDS = false;
let T0: f64 = 0;
let MINX: f64 = 0;
let MINY: f64 = 0;
let ACUT: f64 = 0;
let LNCUT: f64 = 0;
let INVLNK: f64 = 0;
let CELL: f64 = 0;
let GW: i32 = 0;
let GH: i32 = 0;
let SLOTOF: usize = 0; // f64 per spot
let START: usize = 0; // i32 per cell + 1
let FIRST: usize = 0; // i32 per cell: first entry not yet too old
let ITEMS: usize = 0; // i32 per entry: spot index
let CXS: usize = 0; // f64 per entry
let CYS: usize = 0;
let CTS: usize = 0;
let CPS: usize = 0;
let CSS: usize = 0;
let EXPTAB: usize = 0;

/** A term p(w²/S)e^{−d²/S} reaches the cut-off only if d² < lead2(S) (S·ln(A/S), capped at its max). */
// @ts-ignore: decorator
@inline function lead2(s: f64): f64 {
  return s * Math.E <= ACUT ? s * Math.log(ACUT / s) : ACUT / Math.E;
}

/**
 * Index spots x, y, t, p (n doubles each, in firing order): `slotMs` > 0 when the grids hold
 * what is older than three slots, 0 to sum every earlier spot.
 */
export function exactSetup(
  n: i32,
  x: usize,
  y: usize,
  t: usize,
  p: usize,
  w2: f64,
  fourK: f64,
  cutoff: f64,
  slotMs: f64,
): void {
  N = n;
  X = x;
  Y = y;
  T = t;
  W2 = w2;
  FOURK = fourK;
  SLOTMS = slotMs;
  GRIDS = slotMs > 0;
  let pMax = 0.0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    pMax = Math.max(pMax, ldf(p, i));
    minX = Math.min(minX, ldf(x, i));
    maxX = Math.max(maxX, ldf(x, i));
    minY = Math.min(minY, ldf(y, i));
    maxY = Math.max(maxY, ldf(y, i));
  }
  MINX = minX;
  MINY = minY;
  const t0 = ldf(t, 0);
  T0 = t0;
  const spanMs = ldf(t, n - 1) - t0;
  ACUT = (Math.max(pMax, 1) * w2) / cutoff;
  LNCUT = Math.log(Math.max(ACUT / w2, 1));
  INVLNK = fourK > 0 ? 1 / (LNCUT * fourK) : 0;

  SLOTOF = alloc(8 * n);
  if (GRIDS) for (let i = 0; i < n; i++) stf(SLOTOF, i, Math.floor((ldf(t, i) - t0) / slotMs));

  const maxAgeMs = GRIDS ? 3 * slotMs : spanMs;
  const rDirect = Math.sqrt(Math.max(lead2(w2 + fourK * maxAgeMs), 0));
  const wBox = Math.max(maxX - minX, 1e-9);
  const hBox = Math.max(maxY - minY, 1e-9);
  let cell = Math.max(
    Math.max(rDirect / 2, Math.sqrt((wBox * hBox) / 4194304)),
    Math.max(Math.max(wBox, hBox) / 4096, 1e-6),
  );
  cell = Math.max(cell, Math.sqrt((wBox * hBox * 2) / <f64>n) / 4);
  CELL = cell;
  const gw = <i32>Math.floor(wBox / cell) + 1;
  const gh = <i32>Math.floor(hBox / cell) + 1;
  GW = gw;
  GH = gh;
  buildCells(n, x, y, t, p, minX, minY, cell, gw, gh);
  // e^{−x} for x ∈ [0, lnCut] from a table (see src/sequence/heat-exact.ts); without grids every term uses Math.exp.
  const tabLen = <i32>Math.ceil(LNCUT * EXP_STEPS) + 2;
  EXPTAB = alloc(8 * tabLen);
  for (let k = 0; k < tabLen; k++) stf(EXPTAB, k, Math.exp(-<f64>k / EXP_STEPS));
}

/**
 * The spatial index: `gw` × `gh` cells of `cell` mm from (minX, minY); each cell's spots in
 * firing order (START, ITEMS) with their x, y, t, p and slot side by side (CXS … CSS), and FIRST
 * reset to the lists' starts.
 */
function buildCells(n: i32, x: usize, y: usize, t: usize, p: usize, minX: f64, minY: f64, cell: f64, gw: i32, gh: i32): void {
  const cells = gw * gh;
  START = alloc(4 * (cells + 1));
  FIRST = alloc(4 * cells);
  ITEMS = alloc(4 * n);
  CXS = alloc(8 * n);
  CYS = alloc(8 * n);
  CTS = alloc(8 * n);
  CPS = alloc(8 * n);
  CSS = alloc(8 * n);
  const cellOf = alloc(4 * n);
  for (let i = 0; i < n; i++) {
    const cx = <i32>Math.min(<f64>(gw - 1), Math.floor((ldf(x, i) - minX) / cell));
    const cy = <i32>Math.min(<f64>(gh - 1), Math.floor((ldf(y, i) - minY) / cell));
    const c = cy * gw + cx;
    sti(cellOf, i, c);
    sti(START, c + 1, ldi(START, c + 1) + 1);
  }
  for (let c = 0; c < cells; c++) sti(START, c + 1, ldi(START, c + 1) + ldi(START, c));
  // FIRST serves as the fill pointer, then is reset to the lists' starts.
  memory.copy(FIRST, START, <usize>cells << 2);
  for (let i = 0; i < n; i++) {
    const c = ldi(cellOf, i);
    const q = ldi(FIRST, c);
    sti(FIRST, c, q + 1);
    sti(ITEMS, q, i);
    stf(CXS, q, ldf(x, i));
    stf(CYS, q, ldf(y, i));
    stf(CTS, q, ldf(t, i));
    stf(CPS, q, ldf(p, i));
    stf(CSS, q, ldf(SLOTOF, i));
  }
  memory.copy(FIRST, START, <usize>cells << 2);
}

/**
 * Exact part of spots [i0, i1) (blocks increasing across calls) into `dst`, plus `add` (the grid
 * part; 0: none): spots j < i in slots ≥ s_i − 2 within reach.
 */
export function exactBlock(i0: i32, i1: i32, dst: usize, add: usize): void {
  const w2 = W2;
  const fourK = FOURK;
  const lnCut = LNCUT;
  const cell = CELL;
  const gw = GW;
  const minX = MINX;
  const minY = MINY;
  const exactExp = !GRIDS;
  for (let i = i0; i < i1; i++) {
    const xi = ldf(X, i);
    const yi = ldf(Y, i);
    const ti = ldf(T, i);
    const sLow = GRIDS ? ldf(SLOTOF, i) - 2 : -1;
    const tLow = GRIDS ? T0 + sLow * SLOTMS : T0;
    const reach = Math.sqrt(Math.max(0, lead2(w2 + fourK * (ti - tLow))));
    const cx0 = <i32>Math.max(0, Math.floor((xi - reach - minX) / cell));
    const cx1 = <i32>Math.min(<f64>(gw - 1), Math.floor((xi + reach - minX) / cell));
    const cy0 = <i32>Math.max(0, Math.floor((yi - reach - minY) / cell));
    const cy1 = <i32>Math.min(<f64>(GH - 1), Math.floor((yi + reach - minY) / cell));
    let direct = 0.0;
    const reach2 = reach * reach * (1 + 1e-9);
    const tMaxBase = fourK > 0 ? ti + w2 / fourK : 0;
    const cellDx = xi - minX;
    const cellDy = yi - minY;
    for (let cy = cy0; cy <= cy1; cy++) {
      // Nearest distance from spot i to the cells of this row (0 inside), by axis.
      const ey0 = <f64>cy * cell - cellDy;
      const ey1 = cellDy - <f64>(cy + 1) * cell;
      const gy = Math.max(Math.max(ey0, ey1), 0);
      for (let cx = cx0; cx <= cx1; cx++) {
        // Lists run in firing order: nothing fired after tMax (too young to reach this cell)
        // passes the test below; corner cells beyond the reach are skipped whole.
        const ex0 = <f64>cx * cell - cellDx;
        const ex1 = cellDx - <f64>(cx + 1) * cell;
        const gx = Math.max(Math.max(ex0, ex1), 0);
        const dMin2 = (gx * gx + gy * gy) * (1 - 1e-9);
        if (dMin2 > reach2) continue;
        const tMax =
          fourK > 0 ? tMaxBase - dMin2 * INVLNK : dMin2 < w2 * lnCut ? Infinity : -Infinity;
        const c = cy * gw + cx;
        let q = ldi(FIRST, c);
        const end = ldi(START, c + 1);
        while (q < end && ldf(CSS, q) < sLow) q++; // gone to the grids
        sti(FIRST, c, q);
        for (; q < end && ldi(ITEMS, q) < i && ldf(CTS, q) <= tMax; q++) {
          const ex = ldf(CXS, q) - xi;
          const ey = ldf(CYS, q) - yi;
          const d2 = ex * ex + ey * ey;
          const s = w2 + fourK * (ti - ldf(CTS, q));
          if (d2 > s * lnCut) continue;
          const inv = 1 / s;
          if (exactExp) {
            direct += ldf(CPS, q) * (w2 * inv) * Math.exp(-d2 * inv);
            continue;
          }
          const e = d2 * inv * EXP_STEPS;
          const k = <i32>e;
          direct += ldf(CPS, q) * w2 * inv * ldf(EXPTAB, k) * (1 - (e - <f64>k) / EXP_STEPS);
        }
      }
    }
    stf(dst, i, add != 0 ? ldf(add, i) + direct : direct);
  }
}
