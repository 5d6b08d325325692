/**
 * Firing orders within one stamp (SPEC §4.3). Every order writes a permutation of the stamp's
 * spot indices into `out`; the seeded orders draw from the `rng` they are given, so a scan is
 * deterministic per `sequence.seed`.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import type { ORDERS } from "../plan/schema.js";

export type Order = (typeof ORDERS)[number];

/** What the orders need to know about the whole pattern. */
export interface OrderContext {
  /** Spot centres, mm (all spots of the pattern, indexed by spot index). */
  x: Float64Array;
  y: Float64Array;
  /** Lattice row and column per spot, when the lattice has them and its rows are horizontal. */
  row?: Int32Array;
  col?: Int32Array;
  /** Band height for irregular patterns: the mean spot spacing 1/√density, mm. */
  spacingMm: number;
  /** Bands and columns of irregular patterns count from here (the area's lower-left), mm. */
  originXMm: number;
  originYMm: number;
  /** `interleave`: sub-lattices per axis (SPEC §4.3, default 3). */
  k: number;
  /** `spread`: least distance between consecutive spots, mm. */
  minStepMm: number;
}

/**
 * Order the spots `idx` of one stamp, writing the firing order (spot indices) into `out`.
 * `startXMm`/`startYMm` is where the scanner points before the first spot (the stamp centre).
 */
export function orderStamp(
  order: Order,
  ctx: OrderContext,
  idx: Uint32Array,
  startXMm: number,
  startYMm: number,
  rng: RandomGenerator,
  out: Uint32Array,
): Uint32Array {
  switch (order) {
    case "raster":
      return sweep(ctx, idx, false, 1, out);
    case "serpentine":
      return sweep(ctx, idx, true, 1, out);
    case "interleave":
      return sweep(ctx, idx, true, ctx.k, out);
    case "random":
      return shuffle(idx, rng, out);
    case "spread":
      return spread(ctx.x, ctx.y, idx, ctx.minStepMm, rng, out);
    case "shortest":
      return shortest(ctx.x, ctx.y, idx, startXMm, startYMm, out);
  }
}

/** Row (band) index of spot i: the lattice row, or a band of height `spacingMm`. */
function bandOf(ctx: OrderContext, i: number): number {
  return ctx.row ? ctx.row[i] : Math.floor((ctx.y[i] - ctx.originYMm) / ctx.spacingMm);
}

/** Column index of spot i: the lattice column, or a column of width `spacingMm`. */
function columnOf(ctx: OrderContext, i: number): number {
  return ctx.col ? ctx.col[i] : Math.floor((ctx.x[i] - ctx.originXMm) / ctx.spacingMm);
}

/**
 * Rows from the bottom, each left to right (`serpentine`: every other row right to left),
 * optionally split first into `k × k` sub-lattices by row and column index (`interleave`).
 */
function sweep(
  ctx: OrderContext,
  idx: Uint32Array,
  alternate: boolean,
  k: number,
  out: Uint32Array,
): Uint32Array {
  const m = idx.length;
  const group = new Int32Array(m);
  const band = new Int32Array(m);
  const xs = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const i = idx[a];
    const r = bandOf(ctx, i);
    band[a] = r;
    xs[a] = ctx.x[i];
    if (k > 1) {
      const c = columnOf(ctx, i);
      group[a] = (((r % k) + k) % k) * k + (((c % k) + k) % k);
    }
  }
  const local = new Uint32Array(m);
  for (let a = 0; a < m; a++) local[a] = a;
  const cmp = (a: number, b: number): number =>
    group[a] - group[b] || band[a] - band[b] || xs[a] - xs[b] || idx[a] - idx[b];
  // Lattices are generated row by row, so the spots often come in order already: a linear
  // check skips the O(m log m) comparator sort (the key is total: same result either way).
  let sorted = true;
  for (let a = 1; a < m && sorted; a++) sorted = cmp(a - 1, a) < 0;
  if (!sorted) local.sort(cmp);
  // Reverse every other row run within each group (serpentine).
  if (alternate) {
    let runStart = 0;
    let rank = 0;
    for (let p = 1; p <= m; p++) {
      const endOfRun =
        p === m || band[local[p]] !== band[local[runStart]] || group[local[p]] !== group[local[runStart]];
      if (!endOfRun) continue;
      if ((rank & 1) === 1) local.subarray(runStart, p).reverse();
      const newGroup = p < m && group[local[p]] !== group[local[runStart]];
      rank = newGroup ? 0 : rank + 1;
      runStart = p;
    }
  }
  for (let a = 0; a < m; a++) out[a] = idx[local[a]];
  return out;
}

/** A seeded Fisher–Yates shuffle. */
function shuffle(idx: Uint32Array, rng: RandomGenerator, out: Uint32Array): Uint32Array {
  out.set(idx);
  for (let a = idx.length - 1; a > 0; a--) {
    const b = uniformInt(rng, 0, a);
    const t = out[a];
    out[a] = out[b];
    out[b] = t;
  }
  return out;
}

/** Random draws tried before `spread` scans all remaining spots for one far enough away. */
const SPREAD_TRIES = 24;

/**
 * `spread`: each next spot is a random remaining spot at least `minStepMm` from the last one
 * whenever such a spot remains (after a few random draws, an exhaustive scan from a random
 * start guarantees it); when none remains, the farthest remaining spot.
 */
function spread(
  x: Float64Array,
  y: Float64Array,
  idx: Uint32Array,
  minStepMm: number,
  rng: RandomGenerator,
  out: Uint32Array,
): Uint32Array {
  const m = idx.length;
  if (m === 0) return out;
  const rem = Uint32Array.from(idx);
  let left = m;
  const min2 = minStepMm * minStepMm;
  // When no two spots of the stamp are minStepMm apart the exhaustive scan can never succeed.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let a = 0; a < m; a++) {
    const i = idx[a];
    if (x[i] < minX) minX = x[i];
    if (x[i] > maxX) maxX = x[i];
    if (y[i] < minY) minY = y[i];
    if (y[i] > maxY) maxY = y[i];
  }
  const feasible = (maxX - minX) ** 2 + (maxY - minY) ** 2 >= min2;
  let k = uniformInt(rng, 0, left - 1);
  for (let n = 0; n < m; n++) {
    if (n > 0) {
      const px = x[out[n - 1]];
      const py = y[out[n - 1]];
      k = -1;
      let farK = 0;
      let far2 = -1;
      for (let t = 0; t < SPREAD_TRIES; t++) {
        const c = uniformInt(rng, 0, left - 1);
        const d2 = (x[rem[c]] - px) ** 2 + (y[rem[c]] - py) ** 2;
        if (d2 >= min2) {
          k = c;
          break;
        }
        if (d2 > far2) {
          far2 = d2;
          farK = c;
        }
      }
      if (k < 0 && feasible) {
        const s = uniformInt(rng, 0, left - 1);
        for (let t = 0; t < left; t++) {
          const c = s + t < left ? s + t : s + t - left;
          const d2 = (x[rem[c]] - px) ** 2 + (y[rem[c]] - py) ** 2;
          if (d2 >= min2) {
            k = c;
            break;
          }
          if (d2 > far2) {
            far2 = d2;
            farK = c;
          }
        }
      }
      if (k < 0) k = farK;
    }
    out[n] = rem[k];
    rem[k] = rem[--left];
  }
  return out;
}

/** Neighbours per spot kept for the local search of `shortest`. */
const SHORTEST_NEIGHBOURS = 8;
/** Least path gain (mm) that counts as an improvement: stops float round-off cycles. */
const GAIN_EPS_MM = 1e-9;
/** Longest segment `shortest` moves in one Or-opt step. */
const OR_OPT_MAX = 3;

/** A uniform grid over a point set: CSR cell lists, about two points per cell. */
interface Grid {
  minX: number;
  minY: number;
  cellMm: number;
  gw: number;
  gh: number;
  start: Uint32Array;
  items: Uint32Array;
  cellOf: Uint32Array;
}

function buildGrid(px: Float64Array, py: Float64Array, n: number): Grid {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (px[i] < minX) minX = px[i];
    if (px[i] > maxX) maxX = px[i];
    if (py[i] < minY) minY = py[i];
    if (py[i] > maxY) maxY = py[i];
  }
  const w = Math.max(maxX - minX, 1e-9);
  const h = Math.max(maxY - minY, 1e-9);
  let cellMm = Math.sqrt((2 * w * h) / n);
  if (!(cellMm > 0)) cellMm = Math.max(w, h);
  // Thin strips: keep the cell count near n/2 without degenerate zero-width cells.
  cellMm = Math.max(cellMm, Math.max(w, h) / Math.max(1, n));
  const gw = Math.min(Math.floor(w / cellMm) + 1, 4096);
  const gh = Math.min(Math.floor(h / cellMm) + 1, 4096);
  const start = new Uint32Array(gw * gh + 1);
  const cellOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(gw - 1, Math.floor((px[i] - minX) / cellMm));
    const cy = Math.min(gh - 1, Math.floor((py[i] - minY) / cellMm));
    const c = cy * gw + cx;
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < gw * gh; c++) start[c + 1] += start[c];
  const fill = start.slice(0, gw * gh);
  const items = new Uint32Array(n);
  for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
  return { minX, minY, cellMm, gw, gh, start, items, cellOf };
}

/** The K nearest neighbours of every point (sorted nearest first), flat `n × K`, −1 padded. */
function neighbourLists(px: Float64Array, py: Float64Array, n: number, g: Grid, K: number): Int32Array {
  const nb = new Int32Array(n * K).fill(-1);
  const bestD = new Float64Array(K);
  const { gw, gh, start, items, cellMm, minX, minY } = g;
  const maxRing = Math.max(gw, gh);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(gw - 1, Math.floor((px[i] - minX) / cellMm));
    const cy = Math.min(gh - 1, Math.floor((py[i] - minY) / cellMm));
    let found = 0;
    const base = i * K;
    for (let r = 0; r <= maxRing; r++) {
      const y0 = cy - r;
      const y1 = cy + r;
      for (let yy = Math.max(0, y0); yy <= Math.min(gh - 1, y1); yy++) {
        const edgeRow = yy === y0 || yy === y1;
        const step = edgeRow ? 1 : 2 * r;
        for (let xx = cx - r; xx <= cx + r; xx += step > 0 ? step : 1) {
          if (xx < 0 || xx >= gw) continue;
          const c = yy * gw + xx;
          for (let q = start[c]; q < start[c + 1]; q++) {
            const j = items[q];
            if (j === i) continue;
            const d = (px[j] - px[i]) ** 2 + (py[j] - py[i]) ** 2;
            if (found === K && d >= bestD[K - 1]) continue;
            let p = found < K ? found++ : K - 1;
            while (p > 0 && bestD[p - 1] > d) {
              bestD[p] = bestD[p - 1];
              nb[base + p] = nb[base + p - 1];
              p--;
            }
            bestD[p] = d;
            nb[base + p] = j;
          }
          if (step === 0) break;
        }
      }
      if (found === K && bestD[K - 1] <= (r * cellMm) ** 2) break;
    }
  }
  return nb;
}

/** Greedy nearest-neighbour path from (sx, sy) through all n points, on the grid. */
function nearestNeighbourPath(
  px: Float64Array,
  py: Float64Array,
  n: number,
  g: Grid,
  sx: number,
  sy: number,
) {
  const { gw, gh, start, cellMm, minX, minY } = g;
  const items = g.items.slice();
  const slot = new Uint32Array(n);
  for (let q = 0; q < n; q++) slot[items[q]] = q;
  const alive = new Uint32Array(gw * gh);
  for (let c = 0; c < gw * gh; c++) alive[c] = start[c + 1] - start[c];
  const path = new Int32Array(n);
  const maxRing = Math.max(gw, gh);
  let qx = sx;
  let qy = sy;
  for (let step = 0; step < n; step++) {
    const cx = Math.max(0, Math.min(gw - 1, Math.floor((qx - minX) / cellMm)));
    const cy = Math.max(0, Math.min(gh - 1, Math.floor((qy - minY) / cellMm)));
    let best = -1;
    let bestD = Infinity;
    for (let r = 0; r <= maxRing + 1; r++) {
      const y0 = cy - r;
      const y1 = cy + r;
      for (let yy = Math.max(0, y0); yy <= Math.min(gh - 1, y1); yy++) {
        const edgeRow = yy === y0 || yy === y1;
        for (let xx = Math.max(0, cx - r); xx <= Math.min(gw - 1, cx + r); xx++) {
          if (!edgeRow && xx !== cx - r && xx !== cx + r) {
            xx = cx + r - 1; // jump to the right edge of the ring
            continue;
          }
          const c = yy * gw + xx;
          const end = start[c] + alive[c];
          for (let q = start[c]; q < end; q++) {
            const j = items[q];
            const d = (px[j] - qx) ** 2 + (py[j] - qy) ** 2;
            if (d < bestD || (d === bestD && j < best)) {
              bestD = d;
              best = j;
            }
          }
        }
      }
      // Cells of ring r+1 are at least r cells away from the query point.
      if (best >= 0 && bestD <= (r * cellMm) ** 2) break;
    }
    path[step] = best;
    // Remove `best` from its cell: swap with the cell's last alive item.
    const c = g.cellOf[best];
    const last = start[c] + alive[c] - 1;
    const s = slot[best];
    const other = items[last];
    items[s] = other;
    slot[other] = s;
    items[last] = best;
    slot[best] = last;
    alive[c]--;
    qx = px[best];
    qy = py[best];
  }
  return path;
}

/**
 * `shortest`: a short open jump path from the stamp centre through every spot: nearest
 * neighbour construction, then 2-opt and Or-opt moves restricted to each spot's nearest
 * neighbours, with a work queue ("don't-look bits") so only spots near a change are revisited.
 */
function shortest(
  x: Float64Array,
  y: Float64Array,
  idx: Uint32Array,
  startXMm: number,
  startYMm: number,
  out: Uint32Array,
): Uint32Array {
  const m = idx.length;
  if (m <= 2) {
    // With two spots, start at the one nearer the centre.
    out.set(idx);
    if (m === 2) {
      const d0 = (x[idx[0]] - startXMm) ** 2 + (y[idx[0]] - startYMm) ** 2;
      const d1 = (x[idx[1]] - startXMm) ** 2 + (y[idx[1]] - startYMm) ** 2;
      if (d1 < d0) {
        out[0] = idx[1];
        out[1] = idx[0];
      }
    }
    return out;
  }
  // Local points 0..m-1 are the spots, m is the depot (stamp centre), fixed at tour position 0.
  const px = new Float64Array(m + 1);
  const py = new Float64Array(m + 1);
  for (let a = 0; a < m; a++) {
    px[a] = x[idx[a]];
    py[a] = y[idx[a]];
  }
  px[m] = startXMm;
  py[m] = startYMm;
  const g = buildGrid(px, py, m);
  const K = Math.min(SHORTEST_NEIGHBOURS, m - 1);
  const nb = neighbourLists(px, py, m, g, K);
  const nn = nearestNeighbourPath(px, py, m, g, startXMm, startYMm);
  const n = m + 1; // tour length including the depot
  const tour = new Int32Array(n);
  const pos = new Int32Array(n);
  tour[0] = m;
  for (let p = 0; p < m; p++) tour[p + 1] = nn[p];
  for (let p = 0; p < n; p++) pos[tour[p]] = p;
  const END = -1;
  const dist = (a: number, b: number): number =>
    a === END || b === END ? 0 : Math.sqrt((px[a] - px[b]) ** 2 + (py[a] - py[b]) ** 2);
  const succ = (a: number): number => (pos[a] + 1 < n ? tour[pos[a] + 1] : END);
  const pred = (a: number): number => (pos[a] > 0 ? tour[pos[a] - 1] : END);
  const reverse = (lo: number, hi: number): void => {
    while (lo < hi) {
      const t = tour[lo];
      tour[lo] = tour[hi];
      tour[hi] = t;
      pos[tour[lo]] = lo;
      pos[tour[hi]] = hi;
      lo++;
      hi--;
    }
  };
  // Work queue of spots to (re)examine.
  const queue = new Int32Array(m);
  const queued = new Uint8Array(m);
  let qHead = 0;
  let qLen = 0;
  const push = (a: number): void => {
    if (a < 0 || a >= m || queued[a]) return;
    queued[a] = 1;
    queue[(qHead + qLen++) % m] = a;
  };
  for (let p = 1; p < n; p++) push(tour[p]);
  const seg = new Int32Array(OR_OPT_MAX);

  /** 2-opt from spot a: replace (a, succ a) or (pred a, a) and a neighbour's edge. */
  const twoOpt = (a: number): boolean => {
    const i = pos[a];
    // Successor direction: new edges (a, c) and (b, succ c).
    const b = succ(a);
    const dab = dist(a, b);
    for (let t = 0; t < K; t++) {
      const c = nb[a * K + t];
      if (c < 0) break;
      const dac = dist(a, c);
      if (b !== END && dac >= dab) break;
      if (c === b) continue;
      const d = succ(c);
      if (d === a) continue;
      const gain = dab + dist(c, d) - dac - dist(b, d);
      if (gain > GAIN_EPS_MM) {
        const j = pos[c];
        if (j > i) reverse(i + 1, j);
        else reverse(j + 1, i);
        push(a);
        push(b);
        push(c);
        push(d);
        return true;
      }
    }
    // Predecessor direction: new edges (a, c) and (pred a, pred c).
    const e = pred(a);
    const dae = dist(a, e);
    for (let t = 0; t < K; t++) {
      const c = nb[a * K + t];
      if (c < 0) break;
      const dac = dist(a, c);
      if (dac >= dae) break;
      if (c === e) continue;
      const f = pred(c);
      if (f === a || f === END) continue;
      const gain = dae + dist(c, f) - dac - dist(e, f);
      if (gain > GAIN_EPS_MM) {
        const j = pos[c];
        if (j < i) reverse(j, i - 1);
        else reverse(i, j - 1);
        push(a);
        push(e);
        push(c);
        push(f);
        return true;
      }
    }
    return false;
  };

  /** Move the segment tour[i..i+len-1] (given reversed or not in `seg`) between u and its successor. */
  const moveSegment = (i: number, len: number, u: number): void => {
    const pu = pos[u];
    if (pu > i + len - 1) {
      for (let p = i; p <= pu - len; p++) {
        tour[p] = tour[p + len];
        pos[tour[p]] = p;
      }
      for (let q = 0; q < len; q++) {
        tour[pu - len + 1 + q] = seg[q];
        pos[seg[q]] = pu - len + 1 + q;
      }
    } else {
      for (let p = i + len - 1; p >= pu + 1 + len; p--) {
        tour[p] = tour[p - len];
        pos[tour[p]] = p;
      }
      for (let q = 0; q < len; q++) {
        tour[pu + 1 + q] = seg[q];
        pos[seg[q]] = pu + 1 + q;
      }
    }
  };

  /** Or-opt from spot a: move the segment of 1..3 spots starting at a next to a neighbour. */
  const orOpt = (a: number): boolean => {
    const i = pos[a];
    for (let len = 1; len <= OR_OPT_MAX; len++) {
      if (i + len - 1 >= n) break;
      const s1 = a;
      const sL = tour[i + len - 1];
      const p = tour[i - 1];
      const nx = i + len < n ? tour[i + len] : END;
      const removeGain = dist(p, s1) + dist(sL, nx) - dist(p, nx);
      if (removeGain <= GAIN_EPS_MM) continue;
      for (let end = 0; end < 2; end++) {
        const near = end === 0 ? s1 : sL;
        const far = end === 0 ? sL : s1;
        for (let t = 0; t < K; t++) {
          const c = nb[near * K + t];
          if (c < 0) break;
          const dnc = dist(near, c);
          if (dnc >= removeGain) break;
          const pc = pos[c];
          if (pc >= i && pc < i + len) continue;
          // Insert after c (c, near..far, succ c) or before c (pred c, far..near, c).
          for (let side = 0; side < 2; side++) {
            const u = side === 0 ? c : pred(c);
            const v = side === 0 ? succ(c) : c;
            if (u === END) continue;
            if (u === sL || v === s1) continue; // that is where the segment already is
            const pu = pos[u];
            if (pu >= i && pu < i + len) continue;
            const add = side === 0 ? dnc + dist(far, v) - dist(u, v) : dist(u, far) + dnc - dist(u, v);
            if (removeGain - add > GAIN_EPS_MM) {
              // Orientation along the tour after the move: u → first … last → v.
              const first = side === 0 ? near : far;
              const forward = first === s1;
              for (let q = 0; q < len; q++) seg[q] = forward ? tour[i + q] : tour[i + len - 1 - q];
              moveSegment(i, len, u);
              push(s1);
              push(sL);
              push(p);
              push(nx);
              push(u);
              push(v);
              return true;
            }
          }
        }
      }
    }
    return false;
  };

  while (qLen > 0) {
    const a = queue[qHead];
    qHead = (qHead + 1) % m;
    qLen--;
    queued[a] = 0;
    if (twoOpt(a) || orOpt(a)) push(a);
  }
  for (let p = 1; p < n; p++) out[p - 1] = idx[tour[p]];
  return out;
}
