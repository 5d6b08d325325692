/** Hand-made point sets for the sequence tests (seeded, no dependence on the pattern module). */

/** mulberry32: a tiny seeded generator in [0, 1), independent of the code under test. */
export function rand01(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform random points in [0, w] × [0, h]. */
export function randomPoints(
  n: number,
  w: number,
  h: number,
  seed = 1,
): { x: Float64Array; y: Float64Array } {
  const r = rand01(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = r() * w;
    y[i] = r() * h;
  }
  return { x, y };
}

/** Blue-noise points by dart throwing with a minimum distance 0.6/√density (Poisson-disc like). */
export function poissonLike(n: number, side: number, seed = 1): { x: Float64Array; y: Float64Array } {
  const rMin = (0.6 * side) / Math.sqrt(n);
  const cell = rMin / Math.SQRT2;
  const g = Math.ceil(side / cell);
  const grid = new Int32Array(g * g).fill(-1);
  const xs: number[] = [];
  const ys: number[] = [];
  const r = rand01(seed);
  for (let tries = 0; xs.length < n && tries < n * 200; tries++) {
    const x = r() * side;
    const y = r() * side;
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    let ok = true;
    for (let yy = Math.max(0, cy - 2); ok && yy <= Math.min(g - 1, cy + 2); yy++)
      for (let xx = Math.max(0, cx - 2); xx <= Math.min(g - 1, cx + 2); xx++) {
        const j = grid[yy * g + xx];
        if (j >= 0 && (xs[j] - x) ** 2 + (ys[j] - y) ** 2 < rMin * rMin) {
          ok = false;
          break;
        }
      }
    if (!ok) continue;
    grid[cy * g + cx] = xs.length;
    xs.push(x);
    ys.push(y);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/** A square grid of nx × ny points with pitch p, lower-left point at (p/2, p/2), with row/col. */
export function gridPoints(nx: number, ny: number, p: number) {
  const n = nx * ny;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const row = new Int32Array(n);
  const col = new Int32Array(n);
  // Stored in a scrambled order so an order that returns its input fails the tests.
  let k = 0;
  for (let j = ny - 1; j >= 0; j--)
    for (let i = 0; i < nx; i++) {
      const q = (i * 7 + j * 3) % nx;
      x[k] = p * (q + 0.5);
      y[k] = p * (j + 0.5);
      row[k] = j;
      col[k] = q;
      k++;
    }
  return { x, y, row, col, count: n, spacingMm: p };
}

/** Length of the open path from (sx, sy) through the points in `order`. */
export function pathLength(
  x: Float64Array,
  y: Float64Array,
  order: ArrayLike<number>,
  sx: number,
  sy: number,
): number {
  let len = 0;
  let px = sx;
  let py = sy;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    len += Math.sqrt((x[i] - px) ** 2 + (y[i] - py) ** 2);
    px = x[i];
    py = y[i];
  }
  return len;
}

/** A stand-in rectangle Area (enough of the interface for buildScan). */
export function rectArea(w: number, h: number) {
  return {
    shape: "rect" as const,
    minX: 0,
    minY: 0,
    maxX: w,
    maxY: h,
    areaMm2: w * h,
    maxSpanValues: 2,
    outlineClosed: true,
    contains: (x: number, y: number) => x >= 0 && x < w && y >= 0 && y < h,
    spans: (yy: number, out: Float64Array) => {
      if (yy < 0 || yy >= h) return 0;
      out[0] = 0;
      out[1] = w;
      return 2;
    },
    outline: () => [Float64Array.from([0, 0, w, 0, w, h, 0, h])],
    toSpec: () => ({ shape: "rect" as const, widthMm: w, heightMm: h, originMm: [0, 0] as [number, number] }),
  };
}

/** The heat index sum (docs/model.md) without any cut-off. */
export function bruteForceHeat(
  x: Float64Array,
  y: Float64Array,
  t: Float64Array,
  p: Uint32Array,
  w: number,
  kappa: number,
) {
  const n = x.length;
  const h = new Float64Array(n);
  const w2 = w * w;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < i; j++) {
      const ss = w2 + 4 * kappa * ((t[i] - t[j]) / 1000);
      s += p[j] * (w2 / ss) * Math.exp(-((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2) / ss);
    }
    h[i] = s;
  }
  return h;
}

/**
 * `n` random spots in a `sideMm` square, 1 to 1 + 4·jitter ms apart, 1–3 pulses each
 * (seeded with rand01, so the same arguments give the same spots).
 */
export function randomHeatSpots(n: number, seed: number, sideMm: number, jitter: number) {
  const r = rand01(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  const p = new Uint32Array(n);
  let time = 0;
  for (let i = 0; i < n; i++) {
    x[i] = r() * sideMm;
    y[i] = r() * sideMm;
    time += 1 + r() * 4 * jitter; // ms between spots
    t[i] = time;
    p[i] = 1 + Math.floor(r() * 3);
  }
  return { x, y, t, p };
}
