/**
 * Facade of assembly/heat-exact.ts (the exact part of the heat index: recent spots summed term
 * by term over a spatial index): copies a run's spots in, indexes them, computes blocks of spots.
 */
import { copyIn, exportsOf, view, type WasmInstance } from "./module.js";

/** The functions of assembly/heat-exact.ts (addresses are byte offsets in the instance's memory). */
interface ExactExports {
  exactSetup(
    n: number,
    x: number,
    y: number,
    t: number,
    p: number,
    w2: number,
    fourK: number,
    cutoff: number,
    slotMs: number,
  ): void;
  exactBlock(i0: number, i1: number, dst: number, add: number): void;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const HEAT_EXACT_EXPORTS = { exactSetup: 9, exactBlock: 4 } as const;

/** One run's spots in an instance: n doubles each of x, y (mm), t (ms) and pulses, at these addresses. */
export interface SpotsInInstance {
  ex: WasmInstance;
  n: number;
  x: number;
  y: number;
  t: number;
  p: number;
}

/** Copy a run's spots (firing order) into `ex`; the grid part and the exact part read the same copy. */
export function copySpots(
  ex: WasmInstance,
  x: Float64Array,
  y: Float64Array,
  t: Float64Array,
  p: Float64Array,
): SpotsInInstance {
  return { ex, n: x.length, x: copyIn(ex, x), y: copyIn(ex, y), t: copyIn(ex, t), p: copyIn(ex, p) };
}

/** The exact part's parameters (see sequence/heat-exact.ts `ExactJob`). */
export interface ExactParams {
  w2: number;
  fourK: number;
  cutoff: number;
  slotMs: number;
}

/** The exact part over spots already in an instance: indexed once, then computed in blocks. */
export class WasmHeatExact {
  private readonly ex: ExactExports & WasmInstance;
  private readonly n: number;
  private readonly out: number;
  private readonly add: number;

  /** `grid`: a grid part per spot that {@link all} adds, or null. */
  constructor(spots: SpotsInInstance, params: ExactParams, grid: Float64Array | null) {
    const ex = exportsOf<ExactExports>(spots.ex);
    const n = spots.n;
    this.ex = ex;
    this.n = n;
    this.out = ex.alloc(8 * n);
    this.add = grid !== null ? copyIn(ex, grid) : 0;
    ex.exactSetup(
      n,
      spots.x,
      spots.y,
      spots.t,
      spots.p,
      params.w2,
      params.fourK,
      params.cutoff,
      params.slotMs,
    );
  }

  /** The exact part of every spot, plus the grid part if one was given, into `dst`. */
  all(dst: Float64Array): void {
    this.ex.exactBlock(0, this.n, this.out, this.add);
    dst.set(view(this.ex, Float64Array, this.out, this.n));
  }

  /** The exact part of spots [i0, i1) into the same places of `dst`. */
  block(i0: number, i1: number, dst: Float64Array): void {
    this.ex.exactBlock(i0, i1, this.out, 0);
    dst.set(view(this.ex, Float64Array, this.out + 8 * i0, i1 - i0), i0);
  }
}
