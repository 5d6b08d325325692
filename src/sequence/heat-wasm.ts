/**
 * The heat index's grid part (the ladder of diffusing fields described in heat-kernel.ts), run
 * in the WebAssembly module (src/wasm.ts, assembly/heat-grid.ts): this file lays out the levels
 * and the module's memory; the loops are in the module. heat-kernel.ts drives the exact part.
 */
import { copyIn, copyOut, type KernelMemory, kernelInstance } from "../wasm.js";

const FIELDS = 7; // per level: groups 0..3, pending, sum, archive
const MARGIN = 12; // nodes beyond the spots' box on each side
const TAPS = 3; // blur half-width, nodes

interface GridExports {
  grid(...args: number[]): void;
  spotBox(n: number, x: number, y: number, out: number): void;
  slots(n: number, t: number, t0: number, slotMs: number, out: number): void;
  windowBoxes(...args: number[]): void;
}

/**
 * Grid levels for a treatment of `spanMs` with slots of `slotMs` (0: no grids, every term exact):
 * level ℓ has slots 4^ℓ·P; the top level's slots are a sixteenth of the span or longer.
 */
export function gridLevels(spanMs: number, slotMs: number, fourK: number): number {
  if (!(slotMs > 0 && fourK > 0 && spanMs > 3 * slotMs)) return 0;
  let levels = 1;
  while (spanMs > 16 * slotMs * 4 ** (levels - 1)) levels++;
  return levels;
}

/** Blur taps e^{−k²/2σ²}, |k| ≤ 3, normalised, σ chosen so the variance is exactly 1 node² (one slot). */
function blurTaps(): Float64Array {
  const taps = new Float64Array(4);
  for (let lo = 0.8, hi = 1.5, it = 0; it < 60; it++) {
    const sg = 0.5 * (lo + hi);
    const tot =
      1 + 2 * (Math.exp(-1 / (2 * sg * sg)) + Math.exp(-4 / (2 * sg * sg)) + Math.exp(-9 / (2 * sg * sg)));
    for (let k = 0; k < 4; k++) taps[k] = Math.exp((-k * k) / (2 * sg * sg)) / tot;
    if (2 * (taps[1] + 4 * taps[2] + 9 * taps[3]) < 1) lo = sg;
    else hi = sg;
  }
  return taps;
}

/**
 * One heat index run's spots in a fresh instance of the module: the slot cost model's window
 * boxes ({@link HeatGrid.windowBoxes}) and the grid part ({@link HeatGrid.run}) read the same copy.
 */
export class HeatGrid {
  /** The instance, and where the spots are in it (heat-kernel.ts runs this thread's exact part there too). */
  readonly ex: GridExports & KernelMemory;
  readonly at: { x: number; y: number; t: number; p: number };
  private readonly n: number;
  private readonly t0: number;

  constructor(x: Float64Array, y: Float64Array, t: Float64Array, p: Float64Array) {
    const ex = kernelInstance<GridExports>();
    this.ex = ex;
    this.n = x.length;
    this.t0 = t[0];
    this.at = { x: copyIn(ex, x), y: copyIn(ex, y), t: copyIn(ex, t), p: copyIn(ex, p) };
  }

  /**
   * At `samples` spots evenly through the scan, the box [min x, max x, min y, max y] of the spots
   * fired within (3 + (c & 1)) · choices[c >> 1] ms before it, box of sample k and cut c at
   * [(k · 2·choices.length + c) · 4].
   */
  windowBoxes(samples: number, choices: readonly number[]): Float64Array {
    const ex = this.ex;
    const choicesAt = copyIn(ex, Float64Array.from(choices));
    const count = samples * 2 * choices.length * 4;
    const outAt = ex.alloc(8 * count);
    ex.windowBoxes(this.n, this.at.x, this.at.y, this.at.t, samples, choicesAt, choices.length, outAt);
    return copyOut(ex, Float64Array, outAt, count);
  }

  /**
   * Grid part of the heat index of every spot (spots fired before the last three slots of each
   * spot's own slot), in firing order. `levels` from {@link gridLevels} (> 0).
   */
  run(w2: number, fourK: number, slotMs: number, levels: number): Float64Array {
    const ex = this.ex;
    const n = this.n;
    const boxAt = ex.alloc(32);
    ex.spotBox(n, this.at.x, this.at.y, boxAt);
    const [minX, maxX, minY, maxY] = new Float64Array(ex.memory.buffer, boxAt, 4);
    const wBox = Math.max(maxX - minX, 1e-9);
    const hBox = Math.max(maxY - minY, 1e-9);
    const h0 = Math.sqrt((fourK * slotMs) / 2);
    const geo = new Float64Array(4 * levels); // h, P, ox, oy per level
    const sizes = new Int32Array(2 * levels); // nx, ny per level
    let maxSide = 0;
    let maxNodes = 0;
    for (let l = 0; l < levels; l++) {
      const h = h0 * 2 ** l;
      const nx = Math.ceil(wBox / h) + 1 + 2 * MARGIN;
      const ny = Math.ceil(hBox / h) + 1 + 2 * MARGIN;
      geo.set([h, slotMs * 4 ** l, minX - MARGIN * h, minY - MARGIN * h], 4 * l);
      sizes[2 * l] = nx;
      sizes[2 * l + 1] = ny;
      maxSide = Math.max(maxSide, nx, ny);
      maxNodes = Math.max(maxNodes, (nx + 2 * TAPS) * (ny + 4 * TAPS));
    }
    // Every allocation first (growing the memory detaches earlier views), then the views.
    const f64 = (count: number): number => ex.alloc(8 * count);
    const i32 = (count: number): number => ex.alloc(4 * count);
    const ptr = {
      slot: i32(n),
      out: f64(n),
      hl: f64(levels),
      pl: f64(levels),
      oxl: f64(levels),
      oyl: f64(levels),
      nxl: i32(levels),
      nyl: i32(levels),
      slotl: i32(levels),
      pend: i32(levels),
      fp: i32(levels * FIELDS),
      rect: i32(levels * FIELDS * 4),
      tmp: f64(maxNodes),
      line: f64(maxSide + 4 * TAPS + 2),
      colMax: f64(maxSide + 2 * TAPS),
      wxs: f64(4 * maxSide + 64),
      wys: f64(4 * maxSide + 64),
    };
    const fieldPtr = new Int32Array(levels * FIELDS);
    for (let l = 0; l < levels; l++)
      for (let f = 0; f < FIELDS; f++) fieldPtr[l * FIELDS + f] = f64(sizes[2 * l] * sizes[2 * l + 1]);

    const buf = ex.memory.buffer;
    const F = (at: number, count: number): Float64Array => new Float64Array(buf, at, count);
    const I = (at: number, count: number): Int32Array => new Int32Array(buf, at, count);
    ex.slots(n, this.at.t, this.t0, slotMs, ptr.slot);
    for (let l = 0; l < levels; l++) {
      F(ptr.hl, levels)[l] = geo[4 * l];
      F(ptr.pl, levels)[l] = geo[4 * l + 1];
      F(ptr.oxl, levels)[l] = geo[4 * l + 2];
      F(ptr.oyl, levels)[l] = geo[4 * l + 3];
      I(ptr.nxl, levels)[l] = sizes[2 * l];
      I(ptr.nyl, levels)[l] = sizes[2 * l + 1];
    }
    I(ptr.pend, levels).fill(-1);
    I(ptr.fp, levels * FIELDS).set(fieldPtr);
    const rect = I(ptr.rect, levels * FIELDS * 4);
    for (let f = 0; f < levels * FIELDS; f++) rect[4 * f] = 1; // empty: x0 = 1 > x1 = 0
    const g = blurTaps();
    ex.grid(
      n,
      this.at.x,
      this.at.y,
      this.at.t,
      this.at.p,
      ptr.slot,
      ptr.out,
      levels,
      ptr.hl,
      ptr.pl,
      ptr.oxl,
      ptr.oyl,
      ptr.nxl,
      ptr.nyl,
      ptr.slotl,
      ptr.pend,
      ptr.fp,
      ptr.rect,
      ptr.tmp,
      ptr.line,
      ptr.colMax,
      ptr.wxs,
      ptr.wys,
      w2,
      fourK,
      slotMs,
      this.t0,
      g[0],
      g[1],
      g[2],
      g[3],
    );
    return copyOut(ex, Float64Array, ptr.out, n);
  }
}
