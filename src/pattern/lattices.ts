/**
 * Regular and random spot lattices inside an area (docs/formats.md): square, hex, jittered and
 * uniform random. Unrotated square and hex lattices are generated row by row from the area's
 * spans (no per-point inside test); rotated ones enumerate the lattice over the transformed
 * bounding box and test each point.
 */
import type { mat2d } from "gl-matrix";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import type { Uniform } from "./random.js";
import { isTranslation } from "./transform.js";

/** Refuse patterns larger than this many spots before allocating. */
export const MAX_SPOTS = 20_000_000;

/** Growable struct-of-arrays spot buffer. */
export class SpotBuffer {
  x: Float64Array;
  y: Float64Array;
  row: Int32Array;
  col: Int32Array;
  count = 0;

  constructor(capacity: number) {
    const c = Math.max(16, Math.ceil(capacity));
    this.x = new Float64Array(c);
    this.y = new Float64Array(c);
    this.row = new Int32Array(c);
    this.col = new Int32Array(c);
  }

  push(x: number, y: number, row: number, col: number): void {
    if (this.count === this.x.length) this.grow();
    const n = this.count++;
    this.x[n] = x;
    this.y[n] = y;
    this.row[n] = row;
    this.col[n] = col;
  }

  private grow(): void {
    const c = this.x.length * 2;
    if (c > 2 * MAX_SPOTS) throw new PlanError("pattern", this.count, `allowed: at most ${MAX_SPOTS} spots`);
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    this.x = grow64(this.x);
    this.y = grow64(this.y);
    this.row = grow32(this.row);
    this.col = grow32(this.col);
  }
}

/** Lattice geometry: row pitch, column pitch and the x shift of odd rows (hex). */
export interface LatticeSteps {
  dx: number;
  dy: number;
  oddShift: number;
}

/** Steps of a square (pitch × pitch) or hex (rows pitch·√3/2 apart, odd rows shifted ½) lattice. */
export function latticeSteps(lattice: "square" | "hex", pitchMm: number): LatticeSteps {
  return lattice === "hex"
    ? { dx: pitchMm, dy: (pitchMm * Math.sqrt(3)) / 2, oddShift: pitchMm / 2 }
    : { dx: pitchMm, dy: pitchMm, oddShift: 0 };
}

/**
 * Points `(minX + dx·(i + ½) + shift_r, minY + dy·(r + ½))` of the lattice, moved by `m`,
 * that fall inside the area (lattice placement: docs/model.md).
 */
export function regularLattice(area: Area, steps: LatticeSteps, m: mat2d, out: SpotBuffer): void {
  const { dx, dy, oddShift } = steps;
  const x0 = area.minX;
  const y0 = area.minY;
  if (isTranslation(m)) {
    // Fast path: walk rows, fill each inside span directly.
    const tx = m[4];
    const ty = m[5];
    const spans = new Float64Array(area.maxSpanValues + 2);
    const rFirst = Math.ceil((area.minY - y0 - ty) / dy - 0.5);
    const rLast = Math.floor((area.maxY - y0 - ty) / dy - 0.5);
    for (let r = rFirst; r <= rLast; r++) {
      const y = y0 + dy * (r + 0.5) + ty;
      const base = x0 + tx + ((r & 1) === 1 ? oddShift : 0);
      const n = area.spans(y, spans);
      for (let s = 0; s < n; s += 2) {
        const a = spans[s];
        const b = spans[s + 1];
        let i = Math.ceil((a - base) / dx - 0.5);
        let x = base + dx * (i + 0.5);
        // Strictly inside at the left end: a spot centred on the edge is not in the area (as refsim.c).
        if (x <= a) x = base + dx * (++i + 0.5);
        for (; x < b; x = base + dx * (++i + 0.5)) out.push(x, y, r, i);
      }
    }
    return;
  }
  // Rotated: enumerate lattice indices covering the preimage of the bounding box.
  const det = m[0] * m[3] - m[1] * m[2];
  const corners = [area.minX, area.minY, area.maxX, area.minY, area.maxX, area.maxY, area.minX, area.maxY];
  let uMin = Infinity;
  let uMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (let k = 0; k < 8; k += 2) {
    const px = corners[k] - m[4];
    const py = corners[k + 1] - m[5];
    const u = (m[3] * px - m[2] * py) / det;
    const v = (-m[1] * px + m[0] * py) / det;
    uMin = Math.min(uMin, u);
    uMax = Math.max(uMax, u);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
  }
  const a = m[0];
  const b = m[1];
  const c = m[2];
  const d = m[3];
  const e = m[4];
  const f = m[5];
  const rFirst = Math.floor((vMin - y0) / dy - 0.5) - 1;
  const rLast = Math.ceil((vMax - y0) / dy - 0.5) + 1;
  const iFirst = Math.floor((uMin - x0) / dx - 0.5) - 2;
  const iLast = Math.ceil((uMax - x0) / dx - 0.5) + 2;
  for (let r = rFirst; r <= rLast; r++) {
    const v = y0 + dy * (r + 0.5);
    const shift = (r & 1) === 1 ? oddShift : 0;
    for (let i = iFirst; i <= iLast; i++) {
      const u = x0 + dx * (i + 0.5) + shift;
      const x = a * u + c * v + e;
      const y = b * u + d * v + f;
      if (area.contains(x, y)) out.push(x, y, r, i);
    }
  }
}

/**
 * A cell-jittered square grid: one point per `pitch` cell at `cell centre + jitter·pitch·(u − ½)`
 * in each axis (jitter 0 = square lattice, 1 = anywhere in the cell), then moved by `m`.
 */
export function jitteredLattice(
  area: Area,
  pitchMm: number,
  jitter: number,
  m: mat2d,
  rand: Uniform,
  out: SpotBuffer,
) {
  const cx = (area.minX + area.maxX) / 2;
  const cy = (area.minY + area.maxY) / 2;
  // Cover the bounding box's circumscribed square so rotations leave no gap.
  const half =
    Math.hypot(area.maxX - area.minX, area.maxY - area.minY) / 2 + Math.hypot(m[4], m[5]) + pitchMm;
  const rFirst = Math.floor((cy - half - area.minY) / pitchMm);
  const rLast = Math.ceil((cy + half - area.minY) / pitchMm);
  const iFirst = Math.floor((cx - half - area.minX) / pitchMm);
  const iLast = Math.ceil((cx + half - area.minX) / pitchMm);
  const [a, b, c, d, e, f] = [m[0], m[1], m[2], m[3], m[4], m[5]];
  for (let r = rFirst; r <= rLast; r++) {
    for (let i = iFirst; i <= iLast; i++) {
      // Two draws per cell whether kept or not, so the stream is independent of the area.
      const ju = jitter * (rand() - 0.5);
      const jv = jitter * (rand() - 0.5);
      const u = area.minX + pitchMm * (i + 0.5 + ju);
      const v = area.minY + pitchMm * (r + 0.5 + jv);
      const x = a * u + c * v + e;
      const y = b * u + d * v + f;
      if (area.contains(x, y)) out.push(x, y, r, i);
    }
  }
}

/** `count` uniform random points inside the area (rejection sampling in the bounding box). */
export function randomPoints(area: Area, count: number, rand: Uniform, out: SpotBuffer): void {
  const w = area.maxX - area.minX;
  const h = area.maxY - area.minY;
  const maxTries = 1000 * count + 1000;
  let tries = 0;
  while (out.count < count && tries++ < maxTries) {
    const x = area.minX + w * rand();
    const y = area.minY + h * rand();
    if (area.contains(x, y)) out.push(x, y, -1, -1);
  }
}
