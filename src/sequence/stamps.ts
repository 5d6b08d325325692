/**
 * Stamps: the scanner field tiled over the area's bounding box from its lower-left
 * corner, stepping `fieldMm − overlapMm`, visited row by row from the bottom in serpentine
 * order. Each spot belongs to the first stamp (in visiting order) whose field holds it; stamps
 * without spots are dropped.
 */
import KDBush from "kdbush";
import { checkStampCount } from "../plan/check.js";
import { assignStamps, type Tiling } from "../wasm/scan.js";

/** Bounding box of the area, mm (the tiling starts at its lower-left corner). */
export interface BoxMm {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Stamps of a pattern, in visiting order, with their spots as CSR lists. */
export interface Stamps {
  /** Number of non-empty stamps. */
  count: number;
  /** Field lower-left corner per stamp, mm (flat x, y pairs). */
  originMm: Float64Array;
  /** Field centre per stamp, mm (flat x, y pairs). */
  centreMm: Float64Array;
  /** Spots of stamp s are `items[start[s] .. start[s+1])`, spot indices in input order. */
  start: Uint32Array;
  items: Uint32Array;
  /** Stamp index (0-based, visiting order) per input spot. */
  stampOf: Uint32Array;
}

/** Tolerance for "the field holds the spot", mm: spots on a shared edge go to the first stamp. */
const EDGE_EPS_MM = 1e-9;

/** How many field steps cover `extentMm` with a field of `fieldMm` and step `stepMm`. */
function tileCount(extentMm: number, fieldMm: number, stepMm: number): number {
  if (extentMm <= fieldMm + EDGE_EPS_MM) return 1;
  return Math.ceil((extentMm - fieldMm - EDGE_EPS_MM) / stepMm) + 1;
}

/** The non-empty tiles as stamps, in visiting order. */
interface ChosenStamps {
  count: number;
  /** Stamp of each tile, −1 when empty. */
  stampOfTile: Int32Array;
  originMm: Float64Array;
  centreMm: Float64Array;
  /** First slot of each stamp in the grouped spot list, and the total at the end. */
  start: Uint32Array;
}

/** Drop empty tiles and number the others in visiting order (even rows left to right, odd right to left). */
function chooseStamps(spotsPerTile: Uint32Array, t: Tiling): ChosenStamps {
  const tiles = t.nx * t.ny;
  const stampOfTile = new Int32Array(tiles).fill(-1);
  let stamps = 0;
  for (let k = 0; k < tiles; k++) if (spotsPerTile[k] > 0) stampOfTile[k] = stamps++;
  const originMm = new Float64Array(2 * stamps);
  const centreMm = new Float64Array(2 * stamps);
  const start = new Uint32Array(stamps + 1);
  for (let k = 0; k < tiles; k++) {
    const s = stampOfTile[k];
    if (s < 0) continue;
    const r = Math.floor(k / t.nx);
    const i = k - r * t.nx;
    const c = (r & 1) === 0 ? i : t.nx - 1 - i;
    originMm[2 * s] = t.minX + c * t.sx;
    originMm[2 * s + 1] = t.minY + r * t.sy;
    centreMm[2 * s] = originMm[2 * s] + t.fw / 2;
    centreMm[2 * s + 1] = originMm[2 * s + 1] + t.fh / 2;
    start[s + 1] = spotsPerTile[k];
  }
  for (let s = 0; s < stamps; s++) start[s + 1] += start[s];
  return { count: stamps, stampOfTile, originMm, centreMm, start };
}

/**
 * Cut the spots (mm) into stamps of the scanner field `fieldMm` [w, h] stepping
 * `fieldMm − overlapMm` over `box`.
 */
export function buildStamps(
  x: Float64Array,
  y: Float64Array,
  count: number,
  box: BoxMm,
  fieldMm: readonly [number, number],
  overlapMm: number,
): Stamps {
  checkStampCount(box.maxX - box.minX, box.maxY - box.minY, fieldMm, overlapMm);
  const [fw, fh] = fieldMm;
  const sx = fw - overlapMm;
  const sy = fh - overlapMm;
  const nx = tileCount(box.maxX - box.minX, fw, sx);
  const ny = tileCount(box.maxY - box.minY, fh, sy);
  // Visit rank of tile (c, r): rows from the bottom, even rows left to right, odd right to left;
  // each spot takes the lowest row, and in it the first column in the row's direction, whose
  // field holds it (the per-spot loops run in the WebAssembly module).
  const tiling: Tiling = { minX: box.minX, minY: box.minY, fw, fh, sx, sy, nx, ny };
  let chosen: ChosenStamps | undefined;
  const { items, stampOf } = assignStamps(x, y, count, tiling, (spotsPerTile) => {
    chosen = chooseStamps(spotsPerTile, tiling);
    return { stampOfTile: chosen.stampOfTile, first: chosen.start.subarray(0, chosen.count) };
  });
  const { count: stamps, originMm, centreMm, start } = chosen as ChosenStamps;
  return { count: stamps, originMm, centreMm, start, items, stampOf };
}

/**
 * Pairs of spots in different stamps closer than `minDistMm` (overlapping stamps doubling up
 * spots). Only spots in the overlap bands can pair up across stamps, so only they
 * are checked. Returns the number of such pairs.
 */
export function crossStampClosePairs(
  x: Float64Array,
  y: Float64Array,
  count: number,
  stamps: Stamps,
  box: BoxMm,
  fieldMm: readonly [number, number],
  overlapMm: number,
  minDistMm: number,
): number {
  if (stamps.count < 2 || count < 2 || !(minDistMm > 0)) return 0;
  const band = overlapMm + minDistMm;
  const sx = fieldMm[0] - overlapMm;
  const sy = fieldMm[1] - overlapMm;
  // Is a coordinate within `band` of a tile edge?
  const nearEdge = (v: number, field: number, step: number): boolean => {
    const m1 = ((v % step) + step) % step;
    const m2 = ((((v - field) % step) + step) % step) as number;
    return m1 < band || step - m1 < band || m2 < band || step - m2 < band;
  };
  const cand: number[] = [];
  for (let i = 0; i < count; i++) {
    if (nearEdge(x[i] - box.minX, fieldMm[0], sx) || nearEdge(y[i] - box.minY, fieldMm[1], sy)) cand.push(i);
  }
  if (cand.length < 2) return 0;
  const index = new KDBush(cand.length);
  for (const i of cand) index.add(x[i], y[i]);
  index.finish();
  let pairs = 0;
  for (let k = 0; k < cand.length; k++) {
    const i = cand[k];
    for (const m of index.within(x[i], y[i], minDistMm)) {
      const j = cand[m];
      if (j > i && stamps.stampOf[j] !== stamps.stampOf[i]) pairs++;
    }
  }
  return pairs;
}
