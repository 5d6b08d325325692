/**
 * Facade of assembly/heat-grid.ts (the grid part of the heat index: a ladder of diffusing
 * fields): one run's spots in an instance, the slot cost model's window boxes, and the grid run
 * with every level's fields laid out in the instance's memory.
 */
import { copySpots, type SpotsInInstance } from "./heat-exact.js";
import { copyIn, copyOut, exportsOf, takeInstance, view, type WasmInstance } from "./module.js";

/** Fields per level: groups 0..3, pending, sum, archive (assembly/heat-grid.ts FIELDS). */
export const FIELDS = 7;
/** Nodes beyond the spots' box on each side (assembly/heat-grid.ts MARGIN). */
export const MARGIN = 12;
/** Blur half-width, nodes (assembly/heat-grid.ts TAPS). */
export const TAPS = 3;

/** The functions of assembly/heat-grid.ts (addresses are byte offsets in the instance's memory). */
interface GridExports {
  grid(
    n: number,
    x: number,
    y: number,
    t: number,
    p: number,
    slot: number,
    out: number,
    levels: number,
    hl: number,
    pl: number,
    oxl: number,
    oyl: number,
    nxl: number,
    nyl: number,
    slotl: number,
    pend: number,
    fp: number,
    rect: number,
    tmp: number,
    line: number,
    colMax: number,
    wxs: number,
    wys: number,
    w2: number,
    fourK: number,
    slotMs: number,
    t0: number,
    g0: number,
    g1: number,
    g2: number,
    g3: number,
    lambda: number,
    trim: number,
  ): void;
  spotBox(n: number, x: number, y: number, out: number): void;
  slots(n: number, t: number, t0: number, slotMs: number, out: number): void;
  windowBoxes(
    n: number,
    x: number,
    y: number,
    t: number,
    samples: number,
    choices: number,
    nChoices: number,
    out: number,
  ): void;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const HEAT_GRID_EXPORTS = { grid: 33, spotBox: 4, slots: 5, windowBoxes: 8 } as const;

/** The grid levels' geometry (sequence/heat-grid.ts `levelLayout`), one entry per level. */
export interface LevelLayout {
  count: number;
  /** Node spacing, mm. */
  h: Float64Array;
  /** Slot length, ms. */
  slotMs: Float64Array;
  /** Position of node (0, 0), mm. */
  ox: Float64Array;
  oy: Float64Array;
  /** Nodes per row and per column. */
  nx: Int32Array;
  ny: Int32Array;
  /** Longest side and most nodes of a blurred field (with its taps), over the levels. */
  maxSide: number;
  maxNodes: number;
}

/** One grid run: the levels, the spot size and diffusion, and the blur taps e^{−k²/2σ²}, k = 0..3. */
export interface GridRun {
  levels: LevelLayout;
  w2: number;
  fourK: number;
  slotMs: number;
  taps: Float64Array;
}

/** One decaying term of a grid run: every field carries its heat times e^{−λ·age}. */
export interface GridTerm {
  /** Decay rate λ, 1/ms (0: none, the heat index). */
  lambda: number;
  /** Field values below this are trimmed away. */
  trim: number;
}

/** The heat index's run: no decay, fields trimmed below 1e-9. */
const HEAT_INDEX_TERM: GridTerm = { lambda: 0, trim: 1e-9 };

/** A heat index run's spots in a fresh instance: the grid part and this thread's exact part read the same copy. */
export class WasmHeatGrid {
  /** Where the spots are (the exact part runs in this instance too: sequence/heat-exact.ts). */
  readonly spots: SpotsInInstance;
  private readonly ex: GridExports & WasmInstance;
  private readonly t0: number;

  /** `ex`: the instance to use (default: a fresh one); the caller releases it (`spots.ex`). */
  constructor(x: Float64Array, y: Float64Array, t: Float64Array, p: Float64Array, ex?: WasmInstance) {
    this.ex = exportsOf<GridExports>(ex ?? takeInstance());
    this.t0 = t[0];
    this.spots = copySpots(this.ex, x, y, t, p);
  }

  /**
   * At `samples` spots evenly through the scan, the box [min x, max x, min y, max y] of the spots
   * fired within (3 + (c & 1)) · choices[c >> 1] ms before it, box of sample k and cut c at
   * [(k · 2·choices.length + c) · 4].
   */
  windowBoxes(samples: number, choices: readonly number[]): Float64Array {
    const { ex, spots } = this;
    const choicesAt = copyIn(ex, Float64Array.from(choices));
    const count = samples * 2 * choices.length * 4;
    const outAt = ex.alloc(8 * count);
    ex.windowBoxes(spots.n, spots.x, spots.y, spots.t, samples, choicesAt, choices.length, outAt);
    return copyOut(ex, Float64Array, outAt, count);
  }

  /** The spots' box: [min x, max x, min y, max y], mm. */
  spotBox(): Float64Array {
    const { ex, spots } = this;
    const boxAt = ex.alloc(32);
    ex.spotBox(spots.n, spots.x, spots.y, boxAt);
    return copyOut(ex, Float64Array, boxAt, 4);
  }

  /**
   * Grid part of the heat index of every spot (spots fired before the last three slots of each
   * spot's own slot), in firing order.
   */
  run(r: GridRun): Float64Array {
    return this.runTerms(r, [HEAT_INDEX_TERM])[0];
  }

  /**
   * The grid part once per term, every field carrying its heat times e^{−λ·age} (one array per
   * term, in firing order). The layout is allocated once; each term starts from empty fields.
   */
  runTerms(r: GridRun, terms: readonly GridTerm[]): Float64Array[] {
    const { ex, spots } = this;
    const n = spots.n;
    const L = r.levels;
    const levels = L.count;
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
      tmp: f64(L.maxNodes),
      line: f64(L.maxSide + 4 * TAPS + 2),
      colMax: f64(L.maxSide + 2 * TAPS),
      wxs: f64(4 * L.maxSide + 64),
      wys: f64(4 * L.maxSide + 64),
    };
    const fieldPtr = new Int32Array(levels * FIELDS);
    for (let l = 0; l < levels; l++)
      for (let f = 0; f < FIELDS; f++) fieldPtr[l * FIELDS + f] = f64(L.nx[l] * L.ny[l]);
    // The fields lie one after another (with any alignment gaps between them): one span to clear.
    const last = levels * FIELDS - 1;
    const fieldSpan = (fieldPtr[last] - fieldPtr[0]) / 8 + L.nx[levels - 1] * L.ny[levels - 1];

    ex.slots(n, spots.t, this.t0, r.slotMs, ptr.slot);
    view(ex, Float64Array, ptr.hl, levels).set(L.h);
    view(ex, Float64Array, ptr.pl, levels).set(L.slotMs);
    view(ex, Float64Array, ptr.oxl, levels).set(L.ox);
    view(ex, Float64Array, ptr.oyl, levels).set(L.oy);
    view(ex, Int32Array, ptr.nxl, levels).set(L.nx);
    view(ex, Int32Array, ptr.nyl, levels).set(L.ny);
    view(ex, Int32Array, ptr.fp, levels * FIELDS).set(fieldPtr);
    const g = r.taps;
    const outs: Float64Array[] = [];
    for (let k = 0; k < terms.length; k++) {
      if (k > 0) {
        // The fields are contiguous: clear them, and the levels' slots, for the next term.
        view(ex, Float64Array, fieldPtr[0], fieldSpan).fill(0);
        view(ex, Int32Array, ptr.slotl, levels).fill(0);
      }
      view(ex, Int32Array, ptr.pend, levels).fill(-1);
      const rect = view(ex, Int32Array, ptr.rect, levels * FIELDS * 4);
      rect.fill(0);
      for (let f = 0; f < levels * FIELDS; f++) rect[4 * f] = 1; // empty: x0 = 1 > x1 = 0
      ex.grid(
        n,
        spots.x,
        spots.y,
        spots.t,
        spots.p,
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
        r.w2,
        r.fourK,
        r.slotMs,
        this.t0,
        g[0],
        g[1],
        g[2],
        g[3],
        terms[k].lambda,
        terms[k].trim,
      );
      outs.push(copyOut(ex, Float64Array, ptr.out, n));
    }
    return outs;
  }
}
