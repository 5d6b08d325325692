/**
 * Per-spot loops of a scan (src/sequence/stamps.ts and timing.ts document them; src/wasm/scan.ts
 * is the facade): which stamp holds each spot, and the point-and-shoot galvo timing (IEEE double
 * arithmetic and `sqrt`, so the same bits as JavaScript would give).
 */

/** Tolerance for "the field holds the spot", mm (stamps.ts EDGE_EPS_MM). */
export const EDGE_EPS_MM: f64 = 1e-9;

/**
 * Visit rank of the tile holding each spot: rows from the bottom, even rows left to right, odd
 * right to left; the lowest row and (per row direction) first column whose field holds it.
 * Tiles: `nx` × `ny` of `fw` × `fh` mm stepping `sx`, `sy` from (minX, minY). Ranks go to
 * `tileOf` (i32 per spot), spots per tile to `counts` (i32 per tile, zeroed).
 */
export function tileRanks(
  n: i32,
  x: usize,
  y: usize,
  minX: f64,
  minY: f64,
  fw: f64,
  fh: f64,
  sx: f64,
  sy: f64,
  nx: i32,
  ny: i32,
  tileOf: usize,
  counts: usize,
): void {
  for (let i = 0; i < n; i++) {
    const u = load<f64>(x + (<usize>i << 3)) - minX;
    const v = load<f64>(y + (<usize>i << 3)) - minY;
    let r = <i32>Math.max(0, Math.min(<f64>(ny - 1), Math.ceil((v - fh - EDGE_EPS_MM) / sy)));
    let cLo = <i32>Math.max(0, Math.ceil((u - fw - EDGE_EPS_MM) / sx));
    let cHi = <i32>Math.min(<f64>(nx - 1), Math.floor((u + EDGE_EPS_MM) / sx));
    if (cHi < cLo) cHi = cLo;
    const c = (r & 1) == 0 ? cLo : cHi;
    const rank = r * nx + ((r & 1) == 0 ? c : nx - 1 - c);
    store<i32>(tileOf + (<usize>i << 2), rank);
    const cp = counts + (<usize>rank << 2);
    store<i32>(cp, load<i32>(cp) + 1);
  }
}

/**
 * Galvo timing of spots in firing order (`stamp`, `pulses`: i32 per spot; `centre`: x, y per
 * stamp): first-pulse time per spot into `t`, each stamp's duration into `stampMs`; returns the
 * treatment time and stores the jump path length at `path`.
 */
export function timing(
  n: i32,
  x: usize,
  y: usize,
  stamp: usize,
  pulses: usize,
  centre: usize,
  periodMs: f64,
  jumpDelayMs: f64,
  pulseMs: f64,
  msPerMm: f64,
  stampMoveMs: f64,
  t: usize,
  stampMs: usize,
  path: usize,
): f64 {
  let end = 0.0;
  let lastPulse = -Infinity;
  let pathLengthMm = 0.0;
  let current = -1;
  let px = 0.0;
  let py = 0.0;
  let stampStart = 0.0;
  for (let i = 0; i < n; i++) {
    const s = load<i32>(stamp + (<usize>i << 2));
    if (s != current) {
      if (current >= 0) {
        store<f64>(stampMs + (<usize>current << 3), end - stampStart);
        end += stampMoveMs;
      }
      current = s;
      stampStart = end;
      px = load<f64>(centre + (<usize>(2 * s) << 3));
      py = load<f64>(centre + (<usize>(2 * s + 1) << 3));
    }
    const xi = load<f64>(x + (<usize>i << 3));
    const yi = load<f64>(y + (<usize>i << 3));
    const dx = xi - px;
    const dy = yi - py;
    const jumpMm = Math.sqrt(dx * dx + dy * dy);
    pathLengthMm += jumpMm;
    const arrive = end + jumpMm * msPerMm + jumpDelayMs;
    const ready = lastPulse + periodMs;
    const ti = Math.max(arrive, ready);
    store<f64>(t + (<usize>i << 3), ti);
    lastPulse = ti + <f64>(load<i32>(pulses + (<usize>i << 2)) - 1) * periodMs;
    end = lastPulse + pulseMs;
    px = xi;
    py = yi;
  }
  if (current >= 0) store<f64>(stampMs + (<usize>current << 3), end - stampStart);
  store<f64>(path, pathLengthMm);
  return end;
}

/** out[k] = src[order[k]] for three arrays at once (two of doubles, one of ints): spots into firing order. */
export function permute(
  n: i32,
  order: usize,
  x: usize,
  y: usize,
  s: usize,
  outX: usize,
  outY: usize,
  outS: usize,
): void {
  for (let k = 0; k < n; k++) {
    const i = <usize>load<i32>(order + (<usize>k << 2));
    store<f64>(outX + (<usize>k << 3), load<f64>(x + (i << 3)));
    store<f64>(outY + (<usize>k << 3), load<f64>(y + (i << 3)));
    store<i32>(outS + (<usize>k << 2), load<i32>(s + (i << 2)));
  }
}

/**
 * Stamp lists: stamp s = stampOfTile[tileOf[i]] of each spot into `stampOf`, and spot indices
 * grouped by stamp into `items` (`fill[s]`: the next free slot of stamp s, advanced here).
 */
export function stampLists(
  n: i32,
  tileOf: usize,
  stampOfTile: usize,
  fill: usize,
  stampOf: usize,
  items: usize,
): void {
  for (let i = 0; i < n; i++) {
    const s = load<i32>(stampOfTile + (<usize>load<i32>(tileOf + (<usize>i << 2)) << 2));
    store<i32>(stampOf + (<usize>i << 2), s);
    const fp = fill + (<usize>s << 2);
    const q = load<i32>(fp);
    store<i32>(fp, q + 1);
    store<i32>(items + (<usize>q << 2), i);
  }
}

/** Band of spot i for the row orders: its lattice row, or ⌊(y_i − originY)/spacing⌋ (src/sequence/order/rows.ts bandOf). */
// @ts-ignore: decorator
@inline function bandOf(i: i32, row: usize, hasRow: i32, y: usize, originY: f64, spacing: f64): i32 {
  return hasRow != 0
    ? load<i32>(row + (<usize>i << 2))
    : <i32>Math.floor((load<f64>(y + (<usize>i << 3)) - originY) / spacing);
}

/**
 * Raster (`alternate` 0) or serpentine (1) order of every stamp at once, when a stamp's spots
 * already come sorted by (band, x, index), as lattices generated row by row do: band of spot i is
 * `row[i]` (`hasRow`) or ⌊(y_i − originY)/spacing⌋. Stamp s holds items[start[s] .. start[s+1]);
 * its order goes to the same slots of `out`, and done[s] = 1; a stamp whose spots are not sorted
 * gets done[s] = 0 and is left to src/sequence/order/rows.ts.
 */
export function rowOrderSorted(
  stamps: i32,
  start: usize,
  items: usize,
  x: usize,
  y: usize,
  row: usize,
  hasRow: i32,
  originY: f64,
  spacing: f64,
  alternate: i32,
  out: usize,
  done: usize,
): void {
  for (let s = 0; s < stamps; s++) {
    const a0 = load<i32>(start + (<usize>s << 2));
    const a1 = load<i32>(start + (<usize>(s + 1) << 2));
    let sorted = true;
    let prevI = 0;
    let prevBand = 0;
    let prevX = 0.0;
    for (let a = a0; a < a1; a++) {
      const i = load<i32>(items + (<usize>a << 2));
      const band = bandOf(i, row, hasRow, y, originY, spacing);
      const xi = load<f64>(x + (<usize>i << 3));
      if (a > a0 && !(prevBand < band || (prevBand == band && (prevX < xi || (prevX == xi && prevI < i))))) {
        sorted = false;
        break;
      }
      prevI = i;
      prevBand = band;
      prevX = xi;
    }
    store<i32>(done + (<usize>s << 2), sorted ? 1 : 0);
    if (!sorted) continue;
    // Copy in order, reversing every other run of one band (serpentine).
    let runStart = a0;
    let runBand = 0;
    let rank = 0;
    for (let a = a0; a <= a1; a++) {
      const band = a < a1 ? bandOf(load<i32>(items + (<usize>a << 2)), row, hasRow, y, originY, spacing) : 0;
      if (a == a0) runBand = band;
      if (a < a1 && band == runBand) continue;
      const reverse = alternate != 0 && (rank & 1) == 1;
      for (let b = runStart; b < a; b++) {
        const from = reverse ? a - 1 - (b - runStart) : b;
        store<i32>(out + (<usize>b << 2), load<i32>(items + (<usize>from << 2)));
      }
      rank++;
      runStart = a;
      runBand = band;
    }
  }
}
