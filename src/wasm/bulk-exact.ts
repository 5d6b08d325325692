/**
 * Facade of assembly/bulk-exact.ts (the bulk rise's recent heat, term by term; src/heat/bulk-rise.ts
 * explains the method): copies a run's packed cells and tables in, computes blocks of spots.
 */
import { copyIn, exportsOf, view, type WasmInstance } from "./module.js";

/** The functions of assembly/bulk-exact.ts (addresses are byte offsets in the instance's memory). */
interface BulkExactExports {
  bulkExactSetup(
    n: number,
    nx: number,
    ny: number,
    px: number,
    py: number,
    pt: number,
    pp: number,
    items: number,
    posOf: number,
    cellOf: number,
    start: number,
    firstSlot: number,
    lastSlot: number,
    ageTab: number,
    rcTab: number,
    params: number,
  ): void;
  bulkExactBlock(i0: number, i1: number, dst: number): void;
  bulkErf(x: number): number;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const BULK_EXACT_EXPORTS = { bulkExactSetup: 16, bulkExactBlock: 3, bulkErf: 1 } as const;

/** The scalars of the walk (bulk-rise.ts), in the order of assembly/bulk-exact.ts's parameter array. */
export interface RecentParams {
  /** Corner of the cell grid, mm, its cell side, mm, and the cells searched either side of a spot's. */
  minX: number;
  minY: number;
  cell: number;
  reachCells: number;
  /** Squared search radius, mm². */
  r2Max: number;
  /** Age past which a spot's stack has no term left, ms, and the cut-off's age limit, ms. */
  ageLimit: number;
  maxAge: number;
  /** Time between the pulses of a stack, ms. */
  periodMs: number;
  /** First spot's time, ms, and the far field's slot length, ms (0: no far field). */
  t0: number;
  slotMs: number;
  /** Radial variance parameter of a fresh pulse, mm², and 4κ, mm² per ms. */
  s0: number;
  fourK: number;
  /** 1 / the tables' step on √τ (1/√ms), and the first table cells computed exactly. */
  invDv: number;
  exactCells: number;
  /** Column depth L, mm (0: a surface source), Q/(ρcL), Q/(ρc). */
  depth: number;
  ampPerL: number;
  qOverRhoC: number;
  /** Terms below this, K, are skipped. */
  cutoff: number;
}

const PARAM_ORDER: (keyof RecentParams)[] = [
  "minX",
  "minY",
  "cell",
  "reachCells",
  "r2Max",
  "ageLimit",
  "maxAge",
  "periodMs",
  "t0",
  "slotMs",
  "s0",
  "fourK",
  "invDv",
  "exactCells",
  "depth",
  "ampPerL",
  "qOverRhoC",
  "cutoff",
];

/**
 * A run's spots packed cell by cell (each cell's run in firing order) and the walk's tables, as
 * bulk-rise.ts builds them.
 */
export interface RecentCells {
  /** Cells across and down. */
  nx: number;
  ny: number;
  /** Per entry (packed order): x, y (mm), first-pulse time (ms), pulses, the spot's firing index. */
  px: Float64Array;
  py: Float64Array;
  pt: Float64Array;
  pp: Int32Array;
  items: Int32Array;
  /** Per spot (firing order): its entry and its cell. */
  posOf: Int32Array;
  cellOf: Int32Array;
  /** Per cell + 1: where its run starts. */
  start: Int32Array;
  /** Per entry, with the far field (else empty): the slot of its first pulse and of the latest its last pulse can be. */
  firstSlot: Int32Array;
  lastSlot: Int32Array;
  /** Age factor × √τ and squared cut-off radius, on √τ. */
  ageTab: Float64Array;
  rcTab: Float64Array;
  params: RecentParams;
}

/** The recent heat over a run's cells copied into an instance: set up once, then computed in blocks. */
export class WasmBulkExact {
  private readonly ex: BulkExactExports & WasmInstance;
  private readonly n: number;
  private readonly out: number;

  constructor(cells: RecentCells, instance: WasmInstance) {
    const ex = exportsOf<BulkExactExports>(instance);
    const n = cells.posOf.length;
    this.ex = ex;
    this.n = n;
    const params = Float64Array.from(PARAM_ORDER, (k) => cells.params[k]);
    const far = cells.params.slotMs > 0;
    ex.bulkExactSetup(
      n,
      cells.nx,
      cells.ny,
      copyIn(ex, cells.px),
      copyIn(ex, cells.py),
      copyIn(ex, cells.pt),
      copyIn(ex, cells.pp),
      copyIn(ex, cells.items),
      copyIn(ex, cells.posOf),
      copyIn(ex, cells.cellOf),
      copyIn(ex, cells.start),
      far ? copyIn(ex, cells.firstSlot) : 0,
      far ? copyIn(ex, cells.lastSlot) : 0,
      copyIn(ex, cells.ageTab),
      copyIn(ex, cells.rcTab),
      copyIn(ex, params),
    );
    this.out = ex.alloc(8 * n);
  }

  /**
   * The recent heat of every spot into `dst`, in calls of `blockSize` spots: V8 moves a
   * WebAssembly function to its optimising compiler between calls, never during one.
   */
  all(dst: Float64Array, blockSize: number): void {
    for (let i0 = 0; i0 < this.n; i0 += blockSize)
      this.ex.bulkExactBlock(i0, Math.min(this.n, i0 + blockSize), this.out);
    dst.set(view(this.ex, Float64Array, this.out, this.n));
  }

  /** The recent heat of spots [i0, i1) (after any earlier blocks, never before) into the same places of `dst`. */
  block(i0: number, i1: number, dst: Float64Array): void {
    this.ex.bulkExactBlock(i0, i1, this.out);
    dst.set(view(this.ex, Float64Array, this.out + 8 * i0, i1 - i0), i0);
  }
}

/** Number of doubles of the parameter array, as the facade lays it out (the module's BULK_PARAMS). */
export const RECENT_PARAMS = PARAM_ORDER.length;

/** The module's error function (bulk-model.ts `erf` in WebAssembly), for tests. */
export function wasmErf(instance: WasmInstance, x: number): number {
  return exportsOf<BulkExactExports>(instance).bulkErf(x);
}
