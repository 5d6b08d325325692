/**
 * Poisson-disk (blue noise) spots, Bridson's algorithm (SIGGRAPH 2007 sketch) with Roberts'
 * variant: candidates on the circle of radius r(1 + ε) around an active point at k evenly
 * stepped angles from a random start, which packs tighter and runs faster than sampling the
 * annulus [r, 2r]. A background grid of cell r/√2 holds at most one point per cell.
 */
import type { Area } from "../area/types.js";
import type { Uniform } from "./random.js";

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

/** Fill the area's bounding box with points at least `rMm` apart. */
export function poissonDisk(area: Area, rMm: number, rand: Uniform): PoissonPoints {
  const x0 = area.minX;
  const y0 = area.minY;
  const w = area.maxX - x0;
  const h = area.maxY - y0;
  const cell = rMm / Math.SQRT2;
  const gw = Math.max(1, Math.ceil(w / cell));
  const gh = Math.max(1, Math.ceil(h / cell));
  // Grid padded by 2 cells on every side, so neighbour lookups need no bounds checks.
  const gp = gw + 4;
  // Each cell stores its point's coordinates (far away when empty): a neighbour check reads
  // only the grid, contiguous per row, instead of chasing point indices across memory.
  const gridX = new Float64Array(gp * (gh + 4)).fill(EMPTY);
  const gridY = new Float64Array(gp * (gh + 4)).fill(EMPTY);
  const offsets = neighbourOffsets(gp);
  const nOff = offsets.length;
  const cap = Math.ceil((PACKING_BOUND * (w + rMm) * (h + rMm)) / (rMm * rMm)) + 16;
  const px = new Float64Array(cap);
  const py = new Float64Array(cap);
  const active = new Int32Array(cap);
  const r2 = rMm * rMm;
  const step = rMm * (1 + EPSILON);
  const cosK = new Float64Array(CANDIDATES);
  const sinK = new Float64Array(CANDIDATES);
  for (let j = 0; j < CANDIDATES; j++) {
    cosK[j] = Math.cos((2 * Math.PI * j) / CANDIDATES);
    sinK[j] = Math.sin((2 * Math.PI * j) / CANDIDATES);
  }
  const x1 = x0 + w;
  const y1 = y0 + h;
  let n = 0;
  let nActive = 0;
  const sx = x0 + w * rand();
  const sy = y0 + h * rand();
  px[0] = sx;
  py[0] = sy;
  const g0 =
    (Math.min(gh - 1, ((sy - y0) / cell) | 0) + 2) * gp + Math.min(gw - 1, ((sx - x0) / cell) | 0) + 2;
  gridX[g0] = sx;
  gridY[g0] = sy;
  active[nActive++] = n++;
  while (nActive > 0 && n < cap) {
    // A random one of the newest active points: random enough for blue noise, and its
    // neighbourhood is still in cache (a uniform pick over the whole front misses on every round).
    const slot = nActive > RECENT ? nActive - 1 - ((rand() * RECENT) | 0) : (rand() * nActive) | 0;
    const p = active[slot];
    const theta = 2 * Math.PI * rand();
    const ct = Math.cos(theta);
    const st = Math.sin(theta);
    const ax = px[p];
    const ay = py[p];
    let placed = false;
    for (let j = 0; j < CANDIDATES; j++) {
      const cx = ax + step * (ct * cosK[j] - st * sinK[j]);
      const cy = ay + step * (st * cosK[j] + ct * sinK[j]);
      if (cx < x0 || cx >= x1 || cy < y0 || cy >= y1) continue;
      const g =
        (Math.min(gh - 1, ((cy - y0) / cell) | 0) + 2) * gp + Math.min(gw - 1, ((cx - x0) / cell) | 0) + 2;
      // Nearest cells first: most candidates are rejected by a close neighbour.
      let ok = true;
      for (let k = 0; k < nOff; k++) {
        const o = g + offsets[k];
        const dx = gridX[o] - cx;
        const dy = gridY[o] - cy;
        if (dx * dx + dy * dy < r2) {
          ok = false;
          break;
        }
      }
      if (ok) {
        px[n] = cx;
        py[n] = cy;
        gridX[g] = cx;
        gridY[g] = cy;
        active[nActive++] = n++;
        placed = true;
        break;
      }
    }
    if (!placed) active[slot] = active[--nActive];
  }
  return { x: px, y: py, count: n };
}
