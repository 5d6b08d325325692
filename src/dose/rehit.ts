/**
 * Re-hit efficiency (docs/rehit.md): a pulse that lands on skin ablated `Δt` ms before removes
 * e(Δt) times its single-pulse depth (plume shielding and a desiccated surface). A laser states
 * e as a table `reHit: [[intervalMs, efficiency], ...]`, interpolated linearly in ln Δt; below
 * the shortest interval the first efficiency holds, beyond the longest interval (and for the
 * first hit on a pixel) e = 1. The WebAssembly splat (assembly/splat.ts) computes the same.
 */

/** A re-hit table: [interval ms, efficiency] rows, intervals increasing, efficiencies in (0, 1]. */
export type ReHitTable = readonly (readonly [number, number])[];

/** e(Δt) of `table` for an interval of `dtMs` (Infinity: first hit). */
export function reHitEfficiency(table: ReHitTable, dtMs: number): number {
  const n = table.length;
  if (n === 0 || !(dtMs < table[n - 1][0])) return 1;
  if (dtMs <= table[0][0]) return table[0][1];
  let k = 0;
  while (dtMs > table[k + 1][0]) k++;
  const [t0, e0] = table[k];
  const [t1, e1] = table[k + 1];
  return e0 + ((e1 - e0) * Math.log(dtMs / t0)) / Math.log(t1 / t0);
}

/**
 * Depth of `pulses` pulses fired `periodMs` apart on one pixel that ablates `singleUm` per
 * isolated pulse, the pixel last ablated `sinceMs` before the first of them (Infinity: never).
 */
export function stackedDepthUm(
  table: ReHitTable,
  singleUm: number,
  pulses: number,
  periodMs: number,
  sinceMs = Number.POSITIVE_INFINITY,
): number {
  let d = 0;
  for (let p = 0; p < pulses; p++) d += singleUm * reHitEfficiency(table, p === 0 ? sinceMs : periodMs);
  return d;
}
