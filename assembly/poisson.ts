/**
 * Poisson-disk growth of one strip of grid rows (src/pattern/poisson.ts explains the method;
 * src/wasm/poisson.ts is its facade): seeds in a random row order, then Bridson from every seed with Roberts' candidate
 * ring. The uniform numbers are pure-rand's xoroshiro128+ exactly as src/pattern/random.ts
 * draws them (the same 32-bit state and output), so a seed names the same stream here as there.
 *
 * The instance holds only the grid rows the strip can touch or read (its rows and two on each
 * side) and their allowed-cell flags, copied in by the caller; `GOFF` is the padded cell index
 * of the first held cell.
 */
let S01: i32 = 0;
let S00: i32 = 0;
let S11: i32 = 0;
let S10: i32 = 0;

/** Uniform in [0, 1): pure-rand's xoroshiro128+ `next()` as an unsigned 32-bit fraction. */
// @ts-ignore: decorator
@inline function rand(): f64 {
  const out = S00 + S10;
  const a0 = S10 ^ S00;
  const a1 = S11 ^ S01;
  const s00 = S00;
  const s01 = S01;
  S00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
  S01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
  S10 = (a1 << 5) ^ (a0 >>> 27);
  S11 = (a0 << 5) ^ (a1 >>> 27);
  return <f64><u32>out / 4294967296.0;
}

let GRID: usize = 0; // f64 x, y per held cell
let GOFF: i32 = 0;
let OFFS: usize = 0; // i32 per neighbour: element offset (2 per cell)
let NOFF: i32 = 0;
let R2: f64 = 0;

/** No point closer than r to (x, y) in padded cell g? */
// @ts-ignore: decorator
@inline function isFree(x: f64, y: f64, g: i32): bool {
  const base = GRID + (<usize>(2 * (g - GOFF)) << 3);
  for (let k = 0; k < NOFF; k++) {
    const at = base + (<usize>load<i32>(OFFS + (<usize>k << 2)) << 3);
    const dx = load<f64>(at) - x;
    const dy = load<f64>(at + 8) - y;
    if (dx * dx + dy * dy < R2) return false;
  }
  return true;
}

/** Point n at (x, y): into px, py, into its grid cell at `cellAt`, and onto the active list at `slot`. */
// @ts-ignore: decorator
@inline function place(px: usize, py: usize, active: usize, n: i32, slot: i32, cellAt: usize, x: f64, y: f64): void {
  store<f64>(px + (<usize>n << 3), x);
  store<f64>(py + (<usize>n << 3), y);
  store<f64>(cellAt, x);
  store<f64>(cellAt + 8, y);
  store<i32>(active + (<usize>slot << 2), n);
}

/** Fisher–Yates shuffle of rows rowLo .. rowLo + rows − 1 into `rowOrder` (the seeds' row order). */
// @ts-ignore: decorator
@inline function shuffleRows(rowOrder: usize, rowLo: i32, rows: i32): void {
  for (let j = 0; j < rows; j++) store<i32>(rowOrder + (<usize>j << 2), rowLo + j);
  for (let j = rows - 1; j > 0; j--) {
    const k = <i32>(rand() * <f64>(j + 1));
    const pj = rowOrder + (<usize>j << 2);
    const pk = rowOrder + (<usize>k << 2);
    const t = load<i32>(pj);
    store<i32>(pj, load<i32>(pk));
    store<i32>(pk, t);
  }
}

/**
 * Bridson from a fresh seed (the one active point, point n − 1): candidates around a recent active
 * point until none fits anywhere or `cap` points are placed. Returns the point count.
 */
// @ts-ignore: decorator
@inline function grow(
  x0: f64,
  y0: f64,
  x1: f64,
  y1: f64,
  cell: f64,
  gp: i32,
  step: f64,
  recent: i32,
  rowLo: i32,
  rowHi: i32,
  grid: usize,
  allowed: usize,
  cosK: usize,
  sinK: usize,
  nCand: i32,
  px: usize,
  py: usize,
  cap: i32,
  active: usize,
  n: i32,
): i32 {
  const goff = GOFF;
  let nActive = 1;
  while (nActive > 0 && n < cap) {
    // A random one of the newest active points: random enough for blue noise, and its
    // neighbourhood is still in cache (a uniform pick over the whole front misses on every round).
    const slot =
      nActive > recent ? nActive - 1 - <i32>(rand() * <f64>recent) : <i32>(rand() * <f64>nActive);
    const p = load<i32>(active + (<usize>slot << 2));
    const theta = 2 * Math.PI * rand();
    const ct = Math.cos(theta);
    const st = Math.sin(theta);
    const ax = load<f64>(px + (<usize>p << 3));
    const ay = load<f64>(py + (<usize>p << 3));
    let placed = false;
    for (let c = 0; c < nCand; c++) {
      const ck = load<f64>(cosK + (<usize>c << 3));
      const sk = load<f64>(sinK + (<usize>c << 3));
      const cx = ax + step * (ct * ck - st * sk);
      const cy = ay + step * (st * ck + ct * sk);
      if (cx < x0 || cx >= x1 || cy < y0 || cy >= y1) continue;
      const row = <i32>((cy - y0) / cell);
      if (row < rowLo || row >= rowHi) continue;
      const cg = (row + 2) * gp + <i32>((cx - x0) / cell) + 2;
      if (load<u8>(allowed + <usize>(cg - goff)) == 0) continue;
      if (isFree(cx, cy, cg)) {
        place(px, py, active, n, nActive, grid + (<usize>(2 * (cg - goff)) << 3), cx, cy);
        nActive++;
        n++;
        placed = true;
        break;
      }
    }
    if (!placed) {
      nActive--;
      store<i32>(active + (<usize>slot << 2), load<i32>(active + (<usize>nActive << 2)));
    }
  }
  return n;
}

/**
 * Grow rows [rowLo, rowHi) of a grid of `gw` cells per row (padded stride `gp`, 2-cell margin):
 * `grid` holds the padded rows [rowLo, rowHi + 4) (x, y per cell, `empty` when free), `allowed`
 * their flags; `seed32` is the stream's 32-bit seed (random.ts). Points go to px, py (at most
 * `cap`); `active` and `rowOrder` are scratch of `cap` and `rowHi − rowLo` ints. Returns the count.
 */
export function poissonStrip(
  x0: f64,
  y0: f64,
  x1: f64,
  y1: f64,
  cell: f64,
  gw: i32,
  gp: i32,
  r2: f64,
  step: f64,
  empty: f64,
  recent: i32,
  rowLo: i32,
  rowHi: i32,
  grid: usize,
  allowed: usize,
  offsets: usize,
  nOff: i32,
  cosK: usize,
  sinK: usize,
  nCand: i32,
  px: usize,
  py: usize,
  cap: i32,
  active: usize,
  rowOrder: usize,
  seed32: i32,
): i32 {
  S01 = -1;
  S00 = ~seed32;
  S11 = seed32;
  S10 = 0;
  GRID = grid;
  GOFF = rowLo * gp;
  OFFS = offsets;
  NOFF = nOff;
  R2 = r2;
  const goff = GOFF;
  let n = 0;
  const rows = rowHi - rowLo;
  shuffleRows(rowOrder, rowLo, rows);
  // Seeds: sweep the allowed cells once in a seeded random row order and dart each empty one;
  // Bridson then grows from every seed until no candidate fits. Every part of the area
  // (islands of a mask, separate polygons) gets a seed.
  for (let jr = 0; jr < rows && n < cap; jr++) {
    const j = load<i32>(rowOrder + (<usize>jr << 2));
    for (let i = 0; i < gw && n < cap; i++) {
      const g = (j + 2) * gp + i + 2;
      const ga = grid + (<usize>(2 * (g - goff)) << 3);
      if (load<u8>(allowed + <usize>(g - goff)) == 0 || load<f64>(ga) != empty) continue;
      const sx = x0 + (<f64>i + rand()) * cell;
      const sy = y0 + (<f64>j + rand()) * cell;
      if (sx >= x1 || sy >= y1 || !isFree(sx, sy, g)) continue;
      // The seed is the one active point; Bridson grows until none is left (or the points run out).
      place(px, py, active, n, 0, ga, sx, sy);
      n = grow(x0, y0, x1, y1, cell, gp, step, recent, rowLo, rowHi, grid, allowed, cosK, sinK, nCand, px, py, cap, active, n + 1);
    }
  }
  return n;
}

/** The first `count` uniforms of the stream seeded with `seed32`, into `out` (tests compare them with random.ts). */
export function uniforms(seed32: i32, count: i32, out: usize): void {
  S01 = -1;
  S00 = ~seed32;
  S11 = seed32;
  S10 = 0;
  for (let i = 0; i < count; i++) store<f64>(out + (<usize>i << 3), rand());
}
