/**
 * Checks on polygon rings that the even-odd rule alone would silently accept: a hole lying
 * (partly) outside its shell, and polygons of one MultiPolygon lying inside each other. Both
 * would change the treated area without a word, so they are refused with the ring named.
 */
import { PlanError } from "../errors.js";
import { ringContains } from "./polygon.js";

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Is (x, y) inside the flat ring or on its boundary (within `tol`)? */
export function insideOrOn(ring: Float64Array, x: number, y: number, tol: number): boolean {
  if (ringContains(ring, x, y)) return true;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++)
    if (segmentDistance(x, y, ring[2 * j], ring[2 * j + 1], ring[2 * i], ring[2 * i + 1]) <= tol) return true;
  return false;
}

/** Extent of a flat ring, for a tolerance relative to its size. */
function extent(ring: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < ring.length; i++) {
    lo = Math.min(lo, ring[i]);
    hi = Math.max(hi, ring[i]);
  }
  return Math.max(1e-9, hi - lo);
}

/** Index of the first vertex of `ring` outside `shell` (boundary counts as inside), or -1. */
export function firstVertexOutside(shell: Float64Array, ring: Float64Array): number {
  const tol = 1e-9 * extent(shell);
  for (let i = 0; i < ring.length; i += 2) if (!insideOrOn(shell, ring[i], ring[i + 1], tol)) return i >> 1;
  return -1;
}

/** Distance from (x, y) to the nearest edge of the flat ring. */
function edgeDistance(ring: Float64Array, x: number, y: number): number {
  const n = ring.length >> 1;
  let d = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++)
    d = Math.min(d, segmentDistance(x, y, ring[2 * j], ring[2 * j + 1], ring[2 * i], ring[2 * i + 1]));
  return d;
}

/** Is (x, y) inside the ring and farther than a relative tolerance from its edges? */
function strictlyInside(ring: Float64Array, x: number, y: number): boolean {
  return ringContains(ring, x, y) && edgeDistance(ring, x, y) > 1e-9 * extent(ring);
}

/** Does some vertex of `ring` lie strictly inside `other` (not on its boundary)? */
function someVertexStrictlyInside(other: Float64Array, ring: Float64Array): boolean {
  for (let i = 0; i < ring.length; i += 2) if (strictlyInside(other, ring[i], ring[i + 1])) return true;
  return false;
}

/**
 * Check one polygon (shell first, then holes): every hole inside the shell, no hole inside
 * another. `name(k)` names ring k for the message.
 */
export function checkHoles(rings: readonly Float64Array[], name: (k: number) => string): void {
  const shell = rings[0];
  for (let k = 1; k < rings.length; k++) {
    const v = firstVertexOutside(shell, rings[k]);
    if (v >= 0)
      throw new PlanError(
        name(k),
        `a hole with point ${v} at (${+rings[k][2 * v].toFixed(6)}, ${+rings[k][2 * v + 1].toFixed(6)}) outside its shell`,
        `allowed: holes lying inside their shell (${name(0)}); give a separate area for a separate region`,
      );
  }
  // Holes inside holes would be treated again by the even-odd rule: refuse (bounded work).
  if (rings.length > 200) return;
  for (let a = 1; a < rings.length; a++)
    for (let b = 1; b < rings.length; b++)
      if (a !== b && someVertexStrictlyInside(rings[a], rings[b]))
        throw new PlanError(
          name(b),
          "a hole inside another hole",
          `allowed: holes that do not overlap (${name(a)})`,
        );
}

/** Check that no polygon's shell lies inside another polygon (outside that polygon's holes). */
export function checkPolygonsApart(polygons: readonly Float64Array[][], name: (p: number) => string): void {
  if (polygons.length < 2 || polygons.length > 200) return;
  for (let p = 0; p < polygons.length; p++)
    for (let q = 0; q < polygons.length; q++) {
      if (p === q) continue;
      const [shell, ...holes] = polygons[p];
      const other = polygons[q][0];
      for (let i = 0; i < other.length; i += 2) {
        const x = other[i];
        const y = other[i + 1];
        if (strictlyInside(shell, x, y) && !holes.some((h) => ringContains(h, x, y)))
          throw new PlanError(
            name(q),
            "a polygon overlapping another",
            `allowed: polygons of a MultiPolygon that do not overlap (it lies in ${name(p)})`,
          );
      }
    }
}
