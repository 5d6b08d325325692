/**
 * The bulk rise's cost model (docs/bulk-heating.md): which slot length, if any, puts old heat on
 * the ladder of grids (bulk-far.ts) rather than summing every term (bulk-rise.ts).
 */

import { gridLevels, SLOT_CHOICES_MS } from "../sequence/heat-grid.js";

/** Below this many spots every term is summed exactly. */
const FAR_MIN_SPOTS = 4000;
/** Spots the cost model samples to count the exact part's candidates. */
const COST_SAMPLES = 48;
/** Most spots the cost model walks per sample and window (more are walked at a stride). */
const MAX_WALK = 4096;
/**
 * Rough costs, ns, measured on the bench scans: an exact-part candidate (a spot within reach and
 * age), a cell of the exact part's search, one spot's share of one ladder run (its reads and
 * deposits, per term) and one slot of one ladder run (its blurs, per term). The exact part runs in WebAssembly (assembly/bulk-exact.ts):
 * timed on one thread against the JavaScript walk it replaced (whose candidates cost 30) on the
 * bench's 100,000-spot scans at slots of 0.5–4 s, runs alternated, it took 0.51–0.70 of the time
 * where candidates dominate (0.58 typical), the cells costing about the same.
 */
const NS_PER_CANDIDATE = 17;
const NS_PER_CELL = 12;
/**
 * The ladder's two were fitted to whole runs on one thread at every slot choice from 125 ms to 2 s
 * on the bench's 100,000-spot scans (serpentine and spread, 100 mm and 20 mm squares), less their
 * exact part: a term costs ≈ 0.13–0.15 ms per slot besides ≈ 0.1 µs per spot (a per-spot cost alone
 * picked 125 ms where 500 ms ran 2.6× faster).
 */
const NS_PER_SPOT_TERM = 110;
const NS_PER_SLOT_TERM = 150_000;
/** Terms of the exponential fit, about 2.2 per decade of age (what the fit has needed for 2e-3). */
const termsFor = (decades: number): number => Math.max(2, Math.ceil(2.2 * decades));

/**
 * Slot length of the far field minimising an estimated cost (0: exact only). The exact part's
 * candidates are counted on a few sample spots (the spots fired within the window and within
 * reach of each), so clustered orders are costed as they are; its search visits ~49 cells per
 * spot; a ladder term costs per spot and per slot. Depends only on the
 * scan, so results are deterministic.
 */
export function chooseSlotMs(
  xMm: Float64Array,
  yMm: Float64Array,
  tMs: Float64Array,
  spanMs: number,
  reachOf: (windowMs: number) => number,
  maxAge: number,
  fourK: number,
): number {
  const n = xMm.length;
  if (n < FAR_MIN_SPOTS || !(spanMs > 0)) return 0;
  // Spots fired within `windowMs` before a sample spot and within `r` of it, on average. A window
  // of more than MAX_WALK spots (the exact sum's, whole scans back) is walked at a stride and the
  // count scaled (the full walks took 8–17 ms of the model on the bench's 100,000-spot scans, now 2–3 ms;
  // the slots it picks on those, the default plan and the reference plan are unchanged).
  const candidates = (windowMs: number, r: number): number => {
    const r2 = r * r;
    let count = 0;
    for (let k = 0; k < COST_SAMPLES; k++) {
      const i = Math.min(n - 1, Math.floor(((k + 0.5) * n) / COST_SAMPLES));
      const first = firstWithin(tMs, i, windowMs);
      const stride = Math.max(1, Math.ceil((i - first) / MAX_WALK));
      let hits = 0;
      for (let j = i - 1; j >= first; j -= stride) {
        const dx = xMm[j] - xMm[i];
        const dy = yMm[j] - yMm[i];
        if (dx * dx + dy * dy <= r2) hits++;
      }
      count += hits * stride;
    }
    return count / COST_SAMPLES;
  };
  const cells = n * 49 * NS_PER_CELL;
  let best = 0;
  let bestCost = n * candidates(maxAge, reachOf(maxAge)) * NS_PER_CANDIDATE + cells;
  for (const slotMs of SLOT_CHOICES_MS) {
    if (gridLevels(spanMs, slotMs, fourK) === 0) continue;
    const exact = n * candidates(3 * slotMs, reachOf(3 * slotMs)) * NS_PER_CANDIDATE + cells;
    const terms = termsFor(Math.log10((spanMs + slotMs) / (2 * slotMs)));
    const cost = exact + terms * (n * NS_PER_SPOT_TERM + (spanMs / slotMs) * NS_PER_SLOT_TERM);
    if (cost < bestCost) {
      bestCost = cost;
      best = slotMs;
    }
  }
  return best;
}

/** The first index j ≤ i with times[i] − times[j] ≤ `windowMs` (times non-decreasing), by bisection. */
function firstWithin(times: Float64Array, i: number, windowMs: number): number {
  const ti = times[i];
  let lo = 0;
  let hi = i;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ti - times[mid] <= windowMs) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
