/**
 * The heat index's grid part (the ladder of diffusing fields described in heat-exact.ts): how
 * many levels, their geometry and the blur taps. The loops run in the WebAssembly module through
 * its facade (src/wasm/heat-grid.ts), which lays out the fields.
 */
import { type GridTerm, type LevelLayout, MARGIN, TAPS, type WasmHeatGrid } from "../wasm/heat-grid.js";

/** Slot lengths the ladder's cost models try (the heat index's, heat.ts, and the bulk rise's, bulk-cost.ts), ms. */
export const SLOT_CHOICES_MS: readonly number[] = [125, 250, 500, 1000, 2000, 4000];

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
 * Geometry of `levels` grid levels over the spots' box [min x, max x, min y, max y]: level ℓ has
 * node spacing 2^ℓ·h₀ (2h₀² = 4κP) and slots 4^ℓ·P, and reaches MARGIN nodes beyond the box.
 */
export function levelLayout(
  box: ArrayLike<number>,
  fourK: number,
  slotMs: number,
  levels: number,
): LevelLayout {
  const [minX, maxX, minY, maxY] = [box[0], box[1], box[2], box[3]];
  const wBox = Math.max(maxX - minX, 1e-9);
  const hBox = Math.max(maxY - minY, 1e-9);
  const h0 = Math.sqrt((fourK * slotMs) / 2);
  const L: LevelLayout = {
    count: levels,
    h: new Float64Array(levels),
    slotMs: new Float64Array(levels),
    ox: new Float64Array(levels),
    oy: new Float64Array(levels),
    nx: new Int32Array(levels),
    ny: new Int32Array(levels),
    maxSide: 0,
    maxNodes: 0,
  };
  for (let l = 0; l < levels; l++) {
    const h = h0 * 2 ** l;
    const nx = Math.ceil(wBox / h) + 1 + 2 * MARGIN;
    const ny = Math.ceil(hBox / h) + 1 + 2 * MARGIN;
    L.h[l] = h;
    L.slotMs[l] = slotMs * 4 ** l;
    L.ox[l] = minX - MARGIN * h;
    L.oy[l] = minY - MARGIN * h;
    L.nx[l] = nx;
    L.ny[l] = ny;
    L.maxSide = Math.max(L.maxSide, nx, ny);
    L.maxNodes = Math.max(L.maxNodes, (nx + 2 * TAPS) * (ny + 4 * TAPS));
  }
  return L;
}

/**
 * Grid part of the heat index of every spot of `grids` (spots fired before the last three slots
 * of each spot's own slot), in firing order. `levels` from {@link gridLevels} (> 0).
 */
export function gridPart(
  grids: WasmHeatGrid,
  w2: number,
  fourK: number,
  slotMs: number,
  levels: number,
): Float64Array {
  const layout = levelLayout(grids.spotBox(), fourK, slotMs, levels);
  return grids.run({ levels: layout, w2, fourK, slotMs, taps: blurTaps() });
}

/**
 * The grid part once per decaying term (the bulk rise, src/heat/bulk-far.ts): every field carries
 * its heat times e^{−λ·age}, spot Gaussians of width `w2` + 4κ·age. One array per term.
 */
export function gridTerms(
  grids: WasmHeatGrid,
  w2: number,
  fourK: number,
  slotMs: number,
  levels: number,
  terms: readonly GridTerm[],
): Float64Array[] {
  const layout = levelLayout(grids.spotBox(), fourK, slotMs, levels);
  return grids.runTerms({ levels: layout, w2, fourK, slotMs, taps: blurTaps() }, terms);
}
