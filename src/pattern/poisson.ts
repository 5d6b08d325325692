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
 * The growth itself runs in the WebAssembly module (poisson-strip.ts, src/wasm/poisson.ts).
 */
import type { Area } from "../area/types.js";
import { post, workersByDefault } from "../parallel/pool.js";
import { takeInstance, wasmModule } from "../wasm/module.js";
import { growStrip, type StripJob } from "./poisson-strip.js";
import { streamSeed } from "./random.js";

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
  const jobs = stripJobs(area, rMm, seed, streams);
  // Points outside the area (the grid covers its cells and their neighbours) are dropped with
  // the exact inside test; strip one's while the worker still grows strip two.
  const inside = jobs.map((job) => new Uint8Array(job.px.length));
  const test = (part: number): void => {
    const job = jobs[part];
    const flags = inside[part];
    for (let i = 0, n = job.done[0]; i < n; i++) flags[i] = area.contains(job.px[i], job.py[i]) ? 1 : 0;
  };
  if (jobs.length === 3) {
    const onWorker = threads > 1;
    if (onWorker) post(0, { kind: "poisson", job: jobs[1] });
    growStrip(jobs[0], takeInstance());
    test(0);
    if (!onWorker) growStrip(jobs[1], takeInstance());
    else if (Atomics.wait(jobs[1].done, 1, 0, WORKER_TIMEOUT_MS) === "timed-out")
      throw new Error(
        `the Poisson worker thread did not finish its strip within ${WORKER_TIMEOUT_MS / 1000} s`,
      );
    test(1);
    growStrip(jobs[2], takeInstance());
    test(2);
  } else {
    growStrip(jobs[0], takeInstance());
    test(0);
  }
  return insidePoints(jobs, inside);
}

/**
 * The parts to grow over the area's bounding box: the whole grid, or (big areas) two strips and
 * the seam between them, sharing one grid (then in SharedArrayBuffers, for a worker).
 */
function stripJobs(
  area: Area,
  rMm: number,
  seed: number,
  streams: readonly [number, number, number],
): StripJob[] {
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
  return parts.map(([rowLo, rowHi], part): StripJob => {
    let cells = 0;
    for (let g = (rowLo + 2) * gp; g < (rowHi + 2) * gp; g++) cells += allowed[g];
    const cap = Math.ceil(PACKING_BOUND * cells * 0.5) + 16; // a cell is r²/2
    return {
      module: wasmModule(),
      seed32: streamSeed(seed, streams[part]),
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
}

/** The grown points flagged inside, part after part. */
function insidePoints(jobs: StripJob[], inside: Uint8Array[]): PoissonPoints {
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
