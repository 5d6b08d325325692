/**
 * Polygon areas with holes (docs/formats.md), even-odd rule over all rings. Edges are bucketed by
 * y so a span or inside query touches only the few edges that cross its height: millions
 * of points stay cheap even for polygons with thousands of vertices.
 */
import { PlanError } from "../errors.js";
import type { AreaSpec } from "../plan/schema.js";
import type { Area } from "./types.js";

/** Most y buckets of the edge index. */
const MAX_BUCKETS = 4096;

/** Signed area (mm², counter-clockwise positive) of a flat ring [x0, y0, x1, y1, ...]. */
export function ringSignedArea(ring: Float64Array): number {
  const n = ring.length >> 1;
  let s = 0;
  for (let i = 0, j = n - 1; i < n; j = i++)
    s += ring[2 * j] * ring[2 * i + 1] - ring[2 * i] * ring[2 * j + 1];
  return s / 2;
}

/** Even-odd inside test of a point against one flat ring (left-closed, as the spans). */
export function ringContains(ring: Float64Array, x: number, y: number): boolean {
  const n = ring.length >> 1;
  let c = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i];
    const yi = ring[2 * i + 1];
    const xj = ring[2 * j];
    const yj = ring[2 * j + 1];
    if (yi > y !== yj > y && ((xj - xi) * (y - yi)) / (yj - yi) + xi <= x) c = !c;
  }
  return c;
}

function segmentsCross(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
) {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Drop a closing vertex equal to the first (GeoJSON style) and flatten to [x, y, ...]. */
export function flattenRing(ring: readonly (readonly number[])[], dx: number, dy: number): Float64Array {
  let n = ring.length;
  if (n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1]) n--;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[i][0] + dx;
    out[2 * i + 1] = ring[i][1] + dy;
  }
  return out;
}

/** A polygon area from flat rings (mm); `field` names the rings in error messages. */
export class PolygonArea implements Area {
  readonly shape = "polygon" as const;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly areaMm2: number;
  readonly maxSpanValues: number;
  readonly outlineClosed = true;
  private readonly rings: Float64Array[];
  // Non-horizontal edges, struct-of-arrays.
  private readonly ex0: Float64Array;
  private readonly ey0: Float64Array;
  private readonly ex1: Float64Array;
  private readonly ey1: Float64Array;
  private readonly bucketStart: Int32Array;
  private readonly bucketEdges: Int32Array;
  private readonly bucketH: number;
  private readonly nb: number;

  constructor(rings: Float64Array[], field = "area.rings") {
    this.rings = rings;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let edges = 0;
    rings.forEach((r, k) => {
      if (r.length < 6)
        throw new PlanError(`${field}[${k}]`, r.length >> 1, "allowed: a ring of at least 3 points");
      for (let i = 0; i < r.length; i++)
        if (!Number.isFinite(r[i]))
          throw new PlanError(`${field}[${k}]`, r[i], "allowed: finite coordinates (mm)");
      for (let i = 0; i < r.length; i += 2) {
        minX = Math.min(minX, r[i]);
        maxX = Math.max(maxX, r[i]);
        minY = Math.min(minY, r[i + 1]);
        maxY = Math.max(maxY, r[i + 1]);
      }
      if (Math.abs(ringSignedArea(r)) === 0)
        throw new PlanError(`${field}[${k}]`, "zero area", "allowed: a ring enclosing an area");
      edges += r.length >> 1;
    });
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.ex0 = new Float64Array(edges);
    this.ey0 = new Float64Array(edges);
    this.ex1 = new Float64Array(edges);
    this.ey1 = new Float64Array(edges);
    let m = 0;
    for (const r of rings) {
      const n = r.length >> 1;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        if (r[2 * j + 1] === r[2 * i + 1]) continue; // horizontal edges never cross a scanline
        this.ex0[m] = r[2 * j];
        this.ey0[m] = r[2 * j + 1];
        this.ex1[m] = r[2 * i];
        this.ey1[m] = r[2 * i + 1];
        m++;
      }
    }
    const nb = Math.max(1, Math.min(MAX_BUCKETS, m));
    this.nb = nb;
    this.bucketH = (maxY - minY) / nb || 1;
    const counts = new Int32Array(nb + 1);
    for (let e = 0; e < m; e++) {
      const [b0, b1] = this.bucketRange(e);
      for (let b = b0; b <= b1; b++) counts[b + 1]++;
    }
    for (let b = 0; b < nb; b++) counts[b + 1] += counts[b];
    this.bucketStart = counts.slice();
    this.bucketEdges = new Int32Array(counts[nb]);
    const fill = counts.slice(0, nb);
    let most = 0;
    for (let e = 0; e < m; e++) {
      const [b0, b1] = this.bucketRange(e);
      for (let b = b0; b <= b1; b++) this.bucketEdges[fill[b]++] = e;
    }
    for (let b = 0; b < nb; b++) most = Math.max(most, this.bucketStart[b + 1] - this.bucketStart[b]);
    this.maxSpanValues = most + 2;
    this.checkSimple(field);
    // Even-odd area: a ring nested in an odd number of other rings is a hole.
    let area = 0;
    rings.forEach((r, k) => {
      let depth = 0;
      rings.forEach((o, q) => {
        if (q !== k && ringContains(o, r[0], r[1])) depth++;
      });
      area += (depth % 2 === 0 ? 1 : -1) * Math.abs(ringSignedArea(r));
    });
    this.areaMm2 = area;
  }

  private bucketRange(e: number): [number, number] {
    const lo = Math.min(this.ey0[e], this.ey1[e]);
    const hi = Math.max(this.ey0[e], this.ey1[e]);
    const b0 = Math.max(0, Math.min(this.nb - 1, Math.floor((lo - this.minY) / this.bucketH)));
    const b1 = Math.max(0, Math.min(this.nb - 1, Math.floor((hi - this.minY) / this.bucketH)));
    return [b0, b1];
  }

  /** Rings must not cross themselves or each other (edges sharing a bucket are compared). */
  private checkSimple(field: string): void {
    const { ex0, ey0, ex1, ey1, bucketStart, bucketEdges } = this;
    let pairs = 0;
    for (let b = 0; b < this.nb; b++) {
      const s = bucketStart[b];
      const t = bucketStart[b + 1];
      pairs += ((t - s) * (t - s - 1)) / 2;
      if (pairs > 5e7) return; // too large to check exhaustively; the even-odd rule still applies
      for (let p = s; p < t; p++) {
        const e = bucketEdges[p];
        for (let q = p + 1; q < t; q++) {
          const f = bucketEdges[q];
          if (segmentsCross(ex0[e], ey0[e], ex1[e], ey1[e], ex0[f], ey0[f], ex1[f], ey1[f]))
            throw new PlanError(
              field,
              `edges cross near (${ex0[e].toFixed(3)}, ${ey0[e].toFixed(3)}) mm`,
              "allowed: rings that do not cross themselves or each other",
            );
        }
      }
    }
  }

  private bucketOf(y: number): number {
    const b = Math.floor((y - this.minY) / this.bucketH);
    return b < 0 ? -1 : b >= this.nb ? (y <= this.maxY ? this.nb - 1 : -1) : b;
  }

  contains(x: number, y: number): boolean {
    const b = this.bucketOf(y);
    if (b < 0) return false;
    const { ex0, ey0, ex1, ey1, bucketEdges } = this;
    let c = false;
    for (let p = this.bucketStart[b], t = this.bucketStart[b + 1]; p < t; p++) {
      const e = bucketEdges[p];
      const y0 = ey0[e];
      const y1 = ey1[e];
      if (y0 > y !== y1 > y && ((ex1[e] - ex0[e]) * (y - y0)) / (y1 - y0) + ex0[e] <= x) c = !c;
    }
    return c;
  }

  spans(y: number, out: Float64Array): number {
    const b = this.bucketOf(y);
    if (b < 0) return 0;
    const { ex0, ey0, ex1, ey1, bucketEdges } = this;
    let m = 0;
    for (let p = this.bucketStart[b], t = this.bucketStart[b + 1]; p < t; p++) {
      const e = bucketEdges[p];
      const y0 = ey0[e];
      const y1 = ey1[e];
      if (y0 > y !== y1 > y) {
        const xi = ((ex1[e] - ex0[e]) * (y - y0)) / (y1 - y0) + ex0[e];
        // insertion sort: a scanline crosses few edges
        let k = m++;
        while (k > 0 && out[k - 1] > xi) {
          out[k] = out[k - 1];
          k--;
        }
        out[k] = xi;
      }
    }
    return m & ~1;
  }

  outline(): Float64Array[] {
    return this.rings.map((r) => r.slice());
  }

  toSpec(): AreaSpec {
    return {
      shape: "polygon",
      rings: this.rings.map((r) => {
        const pts: [number, number][] = [];
        for (let i = 0; i < r.length; i += 2) pts.push([r[i], r[i + 1]]);
        return pts;
      }),
      originMm: [0, 0],
    };
  }
}
