/**
 * Poisson-disk (blue noise) spots, Bridson's algorithm (SIGGRAPH 2007 sketch) with Roberts'
 * variant: candidates on the circle of radius r(1 + ε) around an active point at k evenly
 * stepped angles from a random start, which packs tighter and runs faster than sampling the
 * annulus [r, 2r]. A background grid of cell r/√2 holds at most one point per cell.
 *
 * Big areas grow in two strips of grid rows at once (this thread and a pool worker) with a seam
 * of 4 rows between them that neither touches (a point reaches 2 rows), then the seam is grown
 * against both. The strips, their random streams and the output order (strip, strip, seam) do
 * not depend on the thread count: one thread grows the same three parts in turn, bit for bit.
 */
import type { Area } from "../area/types.js";
import { postPoissonJob, workersByDefault } from "../workers.js";
import { uniform } from "./random.js";

/** Candidates tried around an active point before it retires. */
const CANDIDATES = 8;
/** Candidates sit just outside the minimum distance. */
const EPSILON = 1e-7;
/** Hex packing bounds points per area: 2/(√3 r²) < 1.155/r². */
const PACKING_BOUND = 1.16;
/** Active points the next parent is drawn from (the newest ones). */
const RECENT = 16;
/** Coordinate of an empty grid cell: so far away that no distance test passes. */
const EMPTY = 1e150;
/** Allowed grid cells above which the area grows in two strips and a seam (≈ 200,000 points). */
const STRIP_MIN_CELLS = 400_000;
/** Rows of the seam between the strips: no point of one strip is within r of the other. */
const SEAM_ROWS = 4;
/**
 * How long to wait for the worker's strip, ms (a strip of a million points takes about a
 * second). Past it the run fails: growing the strip here while the worker might still write
 * the shared grid could break the spacing.
 */
const WORKER_TIMEOUT_MS = 120_000;

/** Points of a maximal Poisson-disk set over the area's bounding box (min distance `rMm`). */
export interface PoissonPoints {
  x: Float64Array;
  y: Float64Array;
  count: number;
}

/**
 * Linear grid offsets of the 21 cells that can hold a point closer than r (the 5 × 5 block
 * without its corners), nearest first.
 */
function neighbourOffsets(stride: number): Int32Array {
  const cells: [number, number, number][] = [];
  for (let dj = -2; dj <= 2; dj++)
    for (let di = -2; di <= 2; di++)
      if (Math.abs(di) !== 2 || Math.abs(dj) !== 2) cells.push([di * di + dj * dj, dj, di]);
  cells.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return Int32Array.from(cells, ([, dj, di]) => dj * stride + di);
}

/**
 * Cells of the padded grid (cell size `cell`, 2-cell margin) that may hold area: the cells a
 * row's spans cross at three heights, dilated by one cell each way. Bridson grows only there.
 */
function areaCells(area: Area, cell: number, gw: number, gh: number, gp: number): Uint8Array {
  const raw = new Uint8Array(gp * (gh + 4));
  const spans = new Float64Array(area.maxSpanValues + 2);
  for (let j = 0; j < gh; j++) {
    for (const f of [0.02, 0.5, 0.98]) {
      const n = area.spans(area.minY + (j + f) * cell, spans);
      for (let s = 0; s < n; s += 2) {
        const a = Math.max(0, Math.floor((spans[s] - area.minX) / cell));
        const b = Math.min(gw - 1, Math.floor((spans[s + 1] - area.minX) / cell));
        if (b >= a) raw.fill(1, (j + 2) * gp + a + 2, (j + 2) * gp + b + 3);
      }
    }
  }
  const mask = new Uint8Array(raw.length);
  for (let j = 1; j < gh + 3; j++)
    for (let i = 1; i < gp - 1; i++) {
      const g = j * gp + i;
      if (raw[g] | raw[g - 1] | raw[g + 1] | raw[g - gp] | raw[g + gp]) mask[g] = 1;
    }
  return mask;
}

/**
 * One part of the grid to grow: cell rows [rowLo, rowHi) of the shared padded grid (cell `cell`,
 * `gw` × `gh` cells, row stride `gp`; `grid` holds x, y per cell). Points go to `px`, `py`.
 */
export interface StripJob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  cell: number;
  gw: number;
  gh: number;
  gp: number;
  r2: number;
  step: number;
  empty: number;
  recent: number;
  rowLo: number;
  rowHi: number;
  allowed: Uint8Array;
  grid: Float64Array;
  /** Linear grid offsets (× 2: x and y per cell) of the cells within reach, nearest first. */
  offsets: Int32Array;
  cosK: Float64Array;
  sinK: Float64Array;
  px: Float64Array;
  py: Float64Array;
  /** [0]: points written (set when done); [1]: 1 when done (workers wait on it). */
  done: Int32Array;
}

/**
 * Grow strip `job` (seeds in a random row order, then Bridson from every seed) with `rand`; its
 * points go to job.px/py and their count to job.done[0]. Self-contained (no module constants,
 * no calls out): a pool worker runs it from its source text.
 */
export function growStrip(job: StripJob, rand: () => number): void {
  const { x0, y0, x1, y1, cell, gw, gp, r2, step, empty, recent, rowLo, rowHi } = job;
  const allowed = job.allowed;
  const grid = job.grid;
  const offsets = job.offsets;
  const nOff = offsets.length;
  const cosK = job.cosK;
  const sinK = job.sinK;
  const nCand = cosK.length;
  const px = job.px;
  const py = job.py;
  const cap = px.length;
  const active = new Int32Array(cap);
  let n = 0;
  let nActive = 0;
  /** No point closer than r to (x, y) in grid cell g? (Captures no mutable counter: a closure
   * writing `n` would move it to the heap and slow the hot loop by a third.) */
  const isFree = (x: number, y: number, g: number): boolean => {
    for (let k = 0; k < nOff; k++) {
      const o = 2 * g + offsets[k];
      const dx = grid[o] - x;
      const dy = grid[o + 1] - y;
      if (dx * dx + dy * dy < r2) return false;
    }
    return true;
  };
  // Seeds: sweep the allowed cells once in a seeded random row order and dart each empty one;
  // Bridson then grows from every seed until no candidate fits. Every part of the area
  // (islands of a mask, separate polygons) gets a seed.
  const rows = rowHi - rowLo;
  const rowOrder = new Int32Array(rows);
  for (let j = 0; j < rows; j++) rowOrder[j] = rowLo + j;
  for (let j = rows - 1; j > 0; j--) {
    const k = (rand() * (j + 1)) | 0;
    const t = rowOrder[j];
    rowOrder[j] = rowOrder[k];
    rowOrder[k] = t;
  }
  for (let jr = 0; jr < rows && n < cap; jr++) {
    const j = rowOrder[jr];
    for (let i = 0; i < gw && n < cap; i++) {
      const g = (j + 2) * gp + i + 2;
      if (allowed[g] === 0 || grid[2 * g] !== empty) continue;
      const sx = x0 + (i + rand()) * cell;
      const sy = y0 + (j + rand()) * cell;
      if (sx >= x1 || sy >= y1 || !isFree(sx, sy, g)) continue;
      px[n] = sx;
      py[n] = sy;
      grid[2 * g] = sx;
      grid[2 * g + 1] = sy;
      active[nActive++] = n++;
      while (nActive > 0 && n < cap) {
        // A random one of the newest active points: random enough for blue noise, and its
        // neighbourhood is still in cache (a uniform pick over the whole front misses on every round).
        const slot = nActive > recent ? nActive - 1 - ((rand() * recent) | 0) : (rand() * nActive) | 0;
        const p = active[slot];
        const theta = 2 * Math.PI * rand();
        const ct = Math.cos(theta);
        const st = Math.sin(theta);
        const ax = px[p];
        const ay = py[p];
        let placed = false;
        for (let c = 0; c < nCand; c++) {
          const cx = ax + step * (ct * cosK[c] - st * sinK[c]);
          const cy = ay + step * (st * cosK[c] + ct * sinK[c]);
          if (cx < x0 || cx >= x1 || cy < y0 || cy >= y1) continue;
          const row = ((cy - y0) / cell) | 0;
          if (row < rowLo || row >= rowHi) continue;
          const cg = (row + 2) * gp + (((cx - x0) / cell) | 0) + 2;
          if (allowed[cg] === 0) continue;
          if (isFree(cx, cy, cg)) {
            px[n] = cx;
            py[n] = cy;
            grid[2 * cg] = cx;
            grid[2 * cg + 1] = cy;
            active[nActive++] = n++;
            placed = true;
            break;
          }
        }
        if (!placed) active[slot] = active[--nActive];
      }
    }
  }
  job.done[0] = n;
  Atomics.store(job.done, 1, 1);
  Atomics.notify(job.done, 1);
}

/**
 * Points at least `rMm` apart inside the area, in the order they were placed (strip, strip,
 * seam). `seed` and `streams` pick the uniform streams of the whole area or first strip, the
 * second strip and the seam. `threads`: 2 grows the second strip on a pool worker (the default
 * when {@link workersByDefault}), 1 grows the strips in turn; the points are the same.
 */
export function poissonDisk(
  area: Area,
  rMm: number,
  seed: number,
  streams: readonly [number, number, number],
  threads: number = workersByDefault() ? 2 : 1,
): PoissonPoints {
  const x0 = area.minX;
  const y0 = area.minY;
  const w = area.maxX - x0;
  const h = area.maxY - y0;
  const cell = rMm / Math.SQRT2;
  const gw = Math.max(1, Math.ceil(w / cell));
  const gh = Math.max(1, Math.ceil(h / cell));
  // Grid padded by 2 cells on every side, so neighbour lookups need no bounds checks.
  const gp = gw + 4;
  const allowed = areaCells(area, cell, gw, gh, gp);
  let allowedCells = 0;
  for (let g = 0; g < allowed.length; g++) allowedCells += allowed[g];
  const split = allowedCells >= STRIP_MIN_CELLS && gh >= 4 * SEAM_ROWS;
  const shared = (bytes: number) => (split ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const allowedAll = new Uint8Array(shared(allowed.length));
  allowedAll.set(allowed);
  // Each cell stores its point's coordinates side by side (far away when empty): a neighbour
  // check reads only the grid, contiguous per row, instead of chasing point indices.
  const grid = new Float64Array(shared(16 * gp * (gh + 4))).fill(EMPTY);
  const cosK = new Float64Array(CANDIDATES);
  const sinK = new Float64Array(CANDIDATES);
  for (let j = 0; j < CANDIDATES; j++) {
    cosK[j] = Math.cos((2 * Math.PI * j) / CANDIDATES);
    sinK[j] = Math.sin((2 * Math.PI * j) / CANDIDATES);
  }
  const mid = gh >> 1;
  const parts: [number, number][] = split
    ? [
        [0, mid - SEAM_ROWS / 2],
        [mid + SEAM_ROWS / 2, gh],
        [mid - SEAM_ROWS / 2, mid + SEAM_ROWS / 2],
      ]
    : [[0, gh]];
  const jobs = parts.map(([rowLo, rowHi]): StripJob => {
    let cells = 0;
    for (let g = (rowLo + 2) * gp; g < (rowHi + 2) * gp; g++) cells += allowed[g];
    const cap = Math.ceil(PACKING_BOUND * cells * 0.5) + 16; // a cell is r²/2
    return {
      x0,
      y0,
      x1: x0 + w,
      y1: y0 + h,
      cell,
      gw,
      gh,
      gp,
      r2: rMm * rMm,
      step: rMm * (1 + EPSILON),
      empty: EMPTY,
      recent: RECENT,
      rowLo,
      rowHi,
      allowed: allowedAll,
      grid,
      offsets: neighbourOffsets(gp).map((o) => 2 * o),
      cosK,
      sinK,
      px: new Float64Array(shared(8 * cap)),
      py: new Float64Array(shared(8 * cap)),
      done: new Int32Array(shared(8)),
    };
  });
  // Points outside the area (the grid covers its cells and their neighbours) are dropped with
  // the exact inside test; strip one's while the worker still grows strip two.
  const inside = jobs.map((job) => new Uint8Array(job.px.length));
  const test = (part: number): void => {
    const job = jobs[part];
    const flags = inside[part];
    for (let i = 0, n = job.done[0]; i < n; i++) flags[i] = area.contains(job.px[i], job.py[i]) ? 1 : 0;
  };
  if (split) {
    const onWorker = threads > 1;
    if (onWorker) postPoissonJob(jobs[1], seed, streams[1]);
    growStrip(jobs[0], uniform(seed, streams[0]));
    test(0);
    if (!onWorker) growStrip(jobs[1], uniform(seed, streams[1]));
    else if (Atomics.wait(jobs[1].done, 1, 0, WORKER_TIMEOUT_MS) === "timed-out")
      throw new Error(
        `the Poisson worker thread did not finish its strip within ${WORKER_TIMEOUT_MS / 1000} s`,
      );
    test(1);
    growStrip(jobs[2], uniform(seed, streams[2]));
    test(2);
  } else {
    growStrip(jobs[0], uniform(seed, streams[0]));
    test(0);
  }
  let count = 0;
  for (let part = 0; part < jobs.length; part++)
    for (let i = 0; i < jobs[part].done[0]; i++) count += inside[part][i];
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  let at = 0;
  for (let part = 0; part < jobs.length; part++) {
    const job = jobs[part];
    for (let i = 0; i < job.done[0]; i++)
      if (inside[part][i] === 1) {
        x[at] = job.px[i];
        y[at] = job.py[i];
        at++;
      }
  }
  return { x, y, count };
}
