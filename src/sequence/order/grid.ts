/**
 * A uniform grid over the spots of one stamp, for `shortest`: each spot's nearest neighbours and
 * a greedy nearest-neighbour path.
 */

/** A uniform grid over a point set: CSR cell lists, about two points per cell. */
export interface Grid {
  minX: number;
  minY: number;
  cellMm: number;
  gw: number;
  gh: number;
  start: Uint32Array;
  items: Uint32Array;
  cellOf: Uint32Array;
}

export function buildGrid(px: Float64Array, py: Float64Array, n: number): Grid {
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
export function neighbourLists(
  px: Float64Array,
  py: Float64Array,
  n: number,
  g: Grid,
  K: number,
): Int32Array {
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
export function nearestNeighbourPath(
  px: Float64Array,
  py: Float64Array,
  n: number,
  g: Grid,
  sx: number,
  sy: number,
): Int32Array {
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
