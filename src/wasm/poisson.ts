/**
 * Facade of assembly/poisson.ts (Poisson-disk growth of one strip of grid rows, and the module's
 * copy of the uniform stream): copies the strip's part of the shared grid in, grows it, and
 * copies its points and its own rows back.
 */
import { copyOut, exportsOf, view, type WasmInstance } from "./module.js";

/** The functions of assembly/poisson.ts (addresses are byte offsets in the instance's memory). */
interface PoissonExports {
  poissonStrip(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    cell: number,
    gw: number,
    gp: number,
    r2: number,
    step: number,
    empty: number,
    recent: number,
    rowLo: number,
    rowHi: number,
    grid: number,
    allowed: number,
    offsets: number,
    nOff: number,
    cosK: number,
    sinK: number,
    nCand: number,
    px: number,
    py: number,
    cap: number,
    active: number,
    rowOrder: number,
    seed32: number,
  ): number;
  uniforms(seed32: number, count: number, out: number): void;
}

/** Parameter count of each function this facade calls (checked against the module in a test). */
export const POISSON_EXPORTS = { poissonStrip: 26, uniforms: 3 } as const;

/**
 * One part of the grid to grow: cell rows [rowLo, rowHi) of the shared padded grid (cell `cell`,
 * `gw` × `gh` cells, row stride `gp`, 2-cell margin; `grid` holds x, y per cell). Points go to
 * `px`, `py` (their capacity is the most the strip may place).
 */
export interface PoissonStrip {
  /** 32-bit seed of the strip's uniform stream (pattern/random.ts `streamSeed`). */
  seed32: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cell: number;
  gw: number;
  gh: number;
  gp: number;
  /** Squared least distance, mm². */
  r2: number;
  /** Distance of a candidate from its parent, mm. */
  step: number;
  /** Coordinate of an empty cell. */
  empty: number;
  /** Active points the next parent is drawn from. */
  recent: number;
  rowLo: number;
  rowHi: number;
  /** 1 per padded cell that may hold area. */
  allowed: Uint8Array;
  grid: Float64Array;
  /** Linear grid offsets (× 2: x and y per cell) of the cells within reach, nearest first. */
  offsets: Int32Array;
  /** Candidate directions. */
  cosK: Float64Array;
  sinK: Float64Array;
  px: Float64Array;
  py: Float64Array;
}

/**
 * Grow strip `s` (seeds in a random row order, then Bridson from every seed) in `instance`: the
 * grid rows it can reach are copied in, its own rows copied back to `s.grid`; its points go to
 * `s.px`, `s.py`. Returns their count.
 */
export function growPoissonStrip(instance: WasmInstance, s: PoissonStrip): number {
  const ex = exportsOf<PoissonExports>(instance);
  const { gp, rowLo, rowHi } = s;
  // Padded rows [rowLo, rowHi + 4): the strip's rows (padded rowLo + 2 …) and two on each side.
  const c0 = rowLo * gp;
  const c1 = (rowHi + 4) * gp;
  const cap = s.px.length;
  const rows = rowHi - rowLo;
  const at = {
    grid: ex.alloc(16 * (c1 - c0)),
    allowed: ex.alloc(c1 - c0),
    offsets: ex.alloc(4 * s.offsets.length),
    cosK: ex.alloc(8 * s.cosK.length),
    sinK: ex.alloc(8 * s.sinK.length),
    px: ex.alloc(8 * cap),
    py: ex.alloc(8 * cap),
    active: ex.alloc(4 * cap),
    rowOrder: ex.alloc(4 * Math.max(1, rows)),
  };
  view(ex, Float64Array, at.grid, 2 * (c1 - c0)).set(s.grid.subarray(2 * c0, 2 * c1));
  view(ex, Uint8Array, at.allowed, c1 - c0).set(s.allowed.subarray(c0, c1));
  view(ex, Int32Array, at.offsets, s.offsets.length).set(s.offsets);
  view(ex, Float64Array, at.cosK, s.cosK.length).set(s.cosK);
  view(ex, Float64Array, at.sinK, s.sinK.length).set(s.sinK);
  const n = ex.poissonStrip(
    s.x0,
    s.y0,
    s.x1,
    s.y1,
    s.cell,
    s.gw,
    gp,
    s.r2,
    s.step,
    s.empty,
    s.recent,
    rowLo,
    rowHi,
    at.grid,
    at.allowed,
    at.offsets,
    s.offsets.length,
    at.cosK,
    at.sinK,
    s.cosK.length,
    at.px,
    at.py,
    cap,
    at.active,
    at.rowOrder,
    s.seed32 | 0,
  );
  s.px.set(view(ex, Float64Array, at.px, n));
  s.py.set(view(ex, Float64Array, at.py, n));
  // The strip's own rows back to the shared grid (the seam grows against them).
  const own0 = (rowLo + 2) * gp;
  const own1 = (rowHi + 2) * gp;
  s.grid.set(view(ex, Float64Array, at.grid + 16 * (own0 - c0), 2 * (own1 - own0)), 2 * own0);
  return n;
}

/** `count` draws of the module's copy of the uniform stream seeded with `seed32` (for tests). */
export function moduleUniforms(instance: WasmInstance, seed32: number, count: number): Float64Array {
  const ex = exportsOf<PoissonExports>(instance);
  const out = ex.alloc(8 * count);
  ex.uniforms(seed32 | 0, count, out);
  return copyOut(ex, Float64Array, out, count);
}
