/**
 * Facade of assembly/scan.ts (the per-spot loops of a scan): which stamp holds each spot, spots
 * into firing order, the fast row-by-row order of already sorted stamps, and the galvo timing.
 * Each call takes an instance, copies its inputs in, copies its outputs out and hands it back.
 */
import { copyIn, copyOut, exportsOf, releaseInstance, takeInstance, view } from "./module.js";

/** The functions of assembly/scan.ts (addresses are byte offsets in the instance's memory). */
interface ScanExports {
  tileRanks(
    n: number,
    x: number,
    y: number,
    minX: number,
    minY: number,
    fw: number,
    fh: number,
    sx: number,
    sy: number,
    nx: number,
    ny: number,
    tileOf: number,
    counts: number,
  ): void;
  stampLists(
    n: number,
    tileOf: number,
    stampOfTile: number,
    fill: number,
    stampOf: number,
    items: number,
  ): void;
  permute(
    n: number,
    order: number,
    x: number,
    y: number,
    s: number,
    outX: number,
    outY: number,
    outS: number,
  ): void;
  rowOrderSorted(
    stamps: number,
    start: number,
    items: number,
    x: number,
    y: number,
    row: number,
    hasRow: number,
    originY: number,
    spacing: number,
    alternate: number,
    out: number,
    done: number,
  ): void;
  timing(
    n: number,
    x: number,
    y: number,
    stamp: number,
    pulses: number,
    centre: number,
    periodMs: number,
    jumpDelayMs: number,
    pulseMs: number,
    msPerMm: number,
    stampMoveMs: number,
    t: number,
    stampMs: number,
    path: number,
  ): number;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const SCAN_EXPORTS = {
  tileRanks: 13,
  stampLists: 6,
  permute: 8,
  rowOrderSorted: 12,
  timing: 14,
} as const;

/** The stamp tiling: `nx` × `ny` fields of `fw` × `fh` mm stepping `sx`, `sy` from (minX, minY). */
export interface Tiling {
  minX: number;
  minY: number;
  fw: number;
  fh: number;
  sx: number;
  sy: number;
  nx: number;
  ny: number;
}

/** The stamps chosen from the spots per tile: each tile's stamp (−1: none) and each stamp's first slot in `items`. */
export interface TileStamps {
  stampOfTile: Int32Array;
  first: Uint32Array;
}

/**
 * Assign `count` spots to stamps: the visit rank of the tile holding each spot is computed, then
 * `choose` turns the spot count per tile into stamps; returns the spots grouped by stamp and each
 * spot's stamp.
 */
export function assignStamps(
  x: Float64Array,
  y: Float64Array,
  count: number,
  tiling: Tiling,
  choose: (spotsPerTile: Uint32Array) => TileStamps,
): { items: Uint32Array; stampOf: Uint32Array } {
  const ex = exportsOf<ScanExports>(takeInstance());
  const tiles = tiling.nx * tiling.ny;
  const at = {
    x: copyIn(ex, x.subarray(0, count)),
    y: copyIn(ex, y.subarray(0, count)),
    tileOf: ex.alloc(4 * count),
    counts: ex.alloc(4 * tiles),
    stampOfTile: ex.alloc(4 * tiles),
    fill: ex.alloc(4 * tiles),
    stampOf: ex.alloc(4 * count),
    items: ex.alloc(4 * count),
  };
  const t = tiling;
  ex.tileRanks(count, at.x, at.y, t.minX, t.minY, t.fw, t.fh, t.sx, t.sy, t.nx, t.ny, at.tileOf, at.counts);
  const chosen = choose(view(ex, Uint32Array, at.counts, tiles));
  view(ex, Int32Array, at.stampOfTile, tiles).set(chosen.stampOfTile);
  view(ex, Uint32Array, at.fill, chosen.first.length).set(chosen.first);
  ex.stampLists(count, at.tileOf, at.stampOfTile, at.fill, at.stampOf, at.items);
  const items = copyOut(ex, Uint32Array, at.items, count);
  const stampOf = copyOut(ex, Uint32Array, at.stampOf, count);
  releaseInstance(ex);
  return { items, stampOf };
}

/** Spot positions and stamps in firing order: out[k] = in[order[k]]. */
export function permuteSpots(
  order: Uint32Array,
  x: Float64Array,
  y: Float64Array,
  stampOf: Uint32Array,
): { xMm: Float64Array; yMm: Float64Array; stamp: Uint32Array } {
  const n = order.length;
  const ex = exportsOf<ScanExports>(takeInstance());
  const at = {
    order: copyIn(ex, order),
    x: copyIn(ex, x.subarray(0, n)),
    y: copyIn(ex, y.subarray(0, n)),
    s: copyIn(ex, stampOf.subarray(0, n)),
    outX: ex.alloc(8 * n),
    outY: ex.alloc(8 * n),
    outS: ex.alloc(4 * n),
  };
  ex.permute(n, at.order, at.x, at.y, at.s, at.outX, at.outY, at.outS);
  const xMm = copyOut(ex, Float64Array, at.outX, n);
  const yMm = copyOut(ex, Float64Array, at.outY, n);
  const stamp = copyOut(ex, Uint32Array, at.outS, n);
  releaseInstance(ex);
  return { xMm, yMm, stamp };
}

/** The row-by-row orders of all stamps at once (see sequence/index.ts `rowOrderedStamps`). */
export interface SortedRowsInput {
  stamps: number;
  /** Spots of stamp s: items[start[s] .. start[s + 1]). */
  start: Uint32Array;
  items: Uint32Array;
  x: Float64Array;
  y: Float64Array;
  /** Lattice row per spot, or undefined (bands of `spacingMm` from `originYMm`). */
  row?: Int32Array;
  originYMm: number;
  spacingMm: number;
  /** Every other row reversed (serpentine). */
  alternate: boolean;
}

/**
 * Order every stamp whose spots already come sorted by (band, x, index): its order goes to the
 * same slots of `order`, and its flag in the returned array is 1 (0: left alone).
 */
export function orderSortedRows(s: SortedRowsInput, order: Uint32Array): Uint8Array {
  const stamps = s.stamps;
  const done = new Uint8Array(stamps);
  const n = s.items.length;
  const ex = exportsOf<ScanExports>(takeInstance());
  const at = {
    start: copyIn(ex, s.start.subarray(0, stamps + 1)),
    items: copyIn(ex, s.items),
    x: copyIn(ex, s.x),
    y: copyIn(ex, s.y),
    row: s.row ? copyIn(ex, s.row) : 0,
    out: ex.alloc(4 * n),
    done: ex.alloc(4 * stamps),
  };
  const hasRow = s.row ? 1 : 0;
  const alternate = s.alternate ? 1 : 0;
  ex.rowOrderSorted(
    stamps,
    at.start,
    at.items,
    at.x,
    at.y,
    at.row,
    hasRow,
    s.originYMm,
    s.spacingMm,
    alternate,
    at.out,
    at.done,
  );
  const flags = view(ex, Int32Array, at.done, stamps);
  const out = view(ex, Uint32Array, at.out, n);
  for (let k = 0; k < stamps; k++)
    if (flags[k] === 1) {
      done[k] = 1;
      order.set(out.subarray(s.start[k], s.start[k + 1]), s.start[k]);
    }
  releaseInstance(ex);
  return done;
}

/** Inputs of the galvo timing (see sequence/timing.ts): per spot in firing order, and per stamp. */
export interface TimingInput {
  x: Float64Array;
  y: Float64Array;
  stamp: Uint32Array;
  pulses: Uint32Array;
  /** Stamp centres, x, y pairs. */
  centre: Float64Array;
  stampCount: number;
  periodMs: number;
  jumpDelayMs: number;
  pulseMs: number;
  msPerMm: number;
  stampMoveMs: number;
}

/** First-pulse times, treatment time, jump path and per-stamp durations of a firing order. */
export function galvoTiming(s: TimingInput): {
  tMs: Float64Array;
  treatmentMs: number;
  pathLengthMm: number;
  stampMs: Float64Array;
} {
  const n = s.x.length;
  const ex = exportsOf<ScanExports>(takeInstance());
  const at = {
    x: copyIn(ex, s.x),
    y: copyIn(ex, s.y),
    stamp: copyIn(ex, s.stamp),
    pulses: copyIn(ex, s.pulses),
    centre: copyIn(ex, s.centre),
    t: ex.alloc(8 * n),
    stampMs: ex.alloc(8 * s.stampCount),
    path: ex.alloc(8),
  };
  const treatmentMs = ex.timing(
    n,
    at.x,
    at.y,
    at.stamp,
    at.pulses,
    at.centre,
    s.periodMs,
    s.jumpDelayMs,
    s.pulseMs,
    s.msPerMm,
    s.stampMoveMs,
    at.t,
    at.stampMs,
    at.path,
  );
  const timing = {
    tMs: copyOut(ex, Float64Array, at.t, n),
    treatmentMs,
    pathLengthMm: copyOut(ex, Float64Array, at.path, 1)[0],
    stampMs: copyOut(ex, Float64Array, at.stampMs, s.stampCount),
  };
  releaseInstance(ex);
  return timing;
}
