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
 * Points at least `rMm` apart over the area (and a margin of about one cell around it, which
 * the caller trims with the exact inside test).
 */
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
  const allowed = areaCells(area, cell, gw, gh, gp);
  // Each cell stores its point's coordinates (far away when empty): a neighbour check reads
  // only the grid, contiguous per row, instead of chasing point indices across memory.
  const gridX = new Float64Array(gp * (gh + 4)).fill(EMPTY);
  const gridY = new Float64Array(gp * (gh + 4)).fill(EMPTY);
  const offsets = neighbourOffsets(gp);
  const nOff = offsets.length;
  let allowedCells = 0;
  for (let g = 0; g < allowed.length; g++) allowedCells += allowed[g];
  const cap = Math.ceil(PACKING_BOUND * allowedCells * 0.5) + 16; // a cell is r²/2
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

  /** No point closer than r to (x, y) in grid cell g? (Captures no mutable counter: a closure
   * writing `n` would move it to the heap and slow the hot loop by a third.) */
  const isFree = (x: number, y: number, g: number): boolean => {
    for (let k = 0; k < nOff; k++) {
      const o = g + offsets[k];
      const dx = gridX[o] - x;
      const dy = gridY[o] - y;
      if (dx * dx + dy * dy < r2) return false;
    }
    return true;
  };

  // Seeds: sweep the allowed cells once in a seeded random row order and dart each empty
  // one; Bridson then grows from every seed until no candidate fits. Every part of the area
  // (islands of a mask, separate polygons) gets a seed.
  const rowOrder = new Int32Array(gh);
  for (let j = 0; j < gh; j++) rowOrder[j] = j;
  for (let j = gh - 1; j > 0; j--) {
    const k = (rand() * (j + 1)) | 0;
    const t = rowOrder[j];
    rowOrder[j] = rowOrder[k];
    rowOrder[k] = t;
  }
  for (let jr = 0; jr < gh && n < cap; jr++) {
    const j = rowOrder[jr];
    for (let i = 0; i < gw && n < cap; i++) {
      const g = (j + 2) * gp + i + 2;
      if (allowed[g] === 0 || gridX[g] !== EMPTY) continue;
      const sx = x0 + (i + rand()) * cell;
      const sy = y0 + (j + rand()) * cell;
      if (sx >= x1 || sy >= y1 || !isFree(sx, sy, g)) continue;
      px[n] = sx;
      py[n] = sy;
      gridX[g] = sx;
      gridY[g] = sy;
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
        for (let c = 0; c < CANDIDATES; c++) {
          const cx = ax + step * (ct * cosK[c] - st * sinK[c]);
          const cy = ay + step * (st * cosK[c] + ct * sinK[c]);
          if (cx < x0 || cx >= x1 || cy < y0 || cy >= y1) continue;
          const cg = (((cy - y0) / cell) | 0) * gp + (((cx - x0) / cell) | 0) + 2 * gp + 2;
          if (allowed[cg] === 0) continue;
          let ok = true;
          for (let k = 0; k < nOff; k++) {
            const o = cg + offsets[k];
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
            gridX[cg] = cx;
            gridY[cg] = cy;
            active[nActive++] = n++;
            placed = true;
            break;
          }
        }
        if (!placed) active[slot] = active[--nActive];
      }
    }
  }
  return { x: px, y: py, count: n };
}
