/** `raster`, `serpentine` and `interleave`: spots row by row (bands for irregular patterns). */
import type { OrderContext } from "./context.js";

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
export function rowOrder(
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
