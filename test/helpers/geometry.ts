/** Independent geometry for tests: written from the textbook, not shared with src/. */

/** Crossing-number point-in-polygon over all rings (even-odd), rings as [x, y] lists. */
export function insideRings(rings: number[][][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Shoelace area of one ring, absolute. */
export function ringArea(ring: number[][]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return Math.abs(s) / 2;
}

/** A star-shaped ring around (cx, cy): vertex k at angle 2πk/n and radius radii[k]. */
export function starRing(cx: number, cy: number, radii: number[]): [number, number][] {
  const n = radii.length;
  return radii.map((r, k): [number, number] => [
    cx + r * Math.cos((2 * Math.PI * k) / n),
    cy + r * Math.sin((2 * Math.PI * k) / n),
  ]);
}

/** Smallest distance between any two points (grid-bucketed brute force). */
export function minPairDistance(x: Float64Array, y: Float64Array, count: number, cell: number): number {
  const buckets = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const key = `${Math.floor(x[i] / cell)},${Math.floor(y[i] / cell)}`;
    const b = buckets.get(key);
    if (b) b.push(i);
    else buckets.set(key, [i]);
  }
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const gx = Math.floor(x[i] / cell);
    const gy = Math.floor(y[i] / cell);
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const j of buckets.get(`${gx + dx},${gy + dy}`) ?? []) {
          if (j <= i) continue;
          best = Math.min(best, Math.hypot(x[i] - x[j], y[i] - y[j]));
        }
  }
  return best;
}
