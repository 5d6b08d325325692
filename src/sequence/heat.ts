/**
 * Heat build-up of a firing order (docs/model.md):
 * `H_i = Σ_{j<i} p_j · (w²/s) · exp(−|x_i − x_j|²/s)`, `s = w² + 4κ(t_i − t_j)`.
 *
 * Old spots are a smooth, wide background (the sum is the 2-D diffusion solution), so the sum
 * is split by age (heat-exact.ts): spots fired in the last two to three slots are summed
 * exactly with a spatial index (terms below `HEAT_CUTOFF` skipped), older ones are carried as
 * diffusing fields on a ladder of grids (coarser for older heat, heat-grid.ts) and read with the
 * exact heat kernel. Against the full O(N²) sum the result is within 1 % per spot or 1e-4,
 * whichever is larger. Big runs use two threads: this one runs the grids while a pool worker
 * (src/parallel/) takes blocks of the exact part (after its splat bands run out when it is
 * splatting), then takes blocks too; every spot's value is computed in the same order either
 * way, so results are bit-identical whatever the thread count.
 */

import { post, workersByDefault } from "../parallel/pool.js";
import { WasmHeatGrid } from "../wasm/heat-grid.js";
import { releaseInstance, takeInstance, wasmModule } from "../wasm/module.js";
import { type ExactJob, runExactJob } from "./heat-exact.js";
import { gridLevels, gridPart, SLOT_CHOICES_MS } from "./heat-grid.js";

/** Lateral heat diffusivity of skin, mm²/s (1.3·10⁻⁷ m²/s, docs/model.md). */
export const KAPPA_MM2_PER_S = 0.13;
/** Terms of the heat index below this are skipped. */
export const HEAT_CUTOFF = 1e-6;
/** Heat index max above which a scan carries a warning: one more pulse on the same spot with no cooling. */
export const HEAT_WARN_MAX = 1;

/** Up to this many spots every term is summed (no grids): the O(N²) worst case stays ~0.1 s. */
const EXACT_MAX_SPOTS = 4000;
/** Spots above which the heat index uses a second thread (a worker costs ~30 ms to start). */
const THREADED_MIN_SPOTS = 20_000;
/** Spots per block of the exact part handed between threads. */
const BLOCK_SPOTS = 512;
/** Windows of recent spots whose boxes the cost model measures. */
const WINDOW_SAMPLES = 8;
/**
 * Relative costs (ns) of an exact-part candidate, one node of one blur and reading the grids per
 * spot, measured on the bench scans. Only their ratios matter.
 */
const NS_PER_CANDIDATE = 35;
const NS_PER_BLUR_NODE = 15;
const NS_PER_GRID_READ = 1500;
/** How long to wait for the worker's blocks before redoing the run on this thread, ms. */
const WORKER_TIMEOUT_MS = 30_000;

/** Heat index statistics (the report's `heat`). */
export interface HeatStats {
  max: number;
  /** 95th percentile (nearest rank). */
  p95: number;
  mean: number;
}

/** Options of {@link heatIndex}. */
export interface HeatOptions {
  /** Threads including this one (1 or 2); default 2 above 20,000 spots when {@link workersByDefault}. */
  threads?: number;
  /** Spots per exact-part block handed between the threads (default 512). */
  blockSpots?: number;
  /** Slot length, ms (see heat-exact.ts); 0 sums every term (above the cut-off) exactly; default: 0 up to 4,000 spots, else a cost model. */
  slotMs?: number;
}

/**
 * Heat index per spot. Arrays are in firing order with non-decreasing `tMs`; `wMm` is the spot's
 * 1/e² radius; `kappaMm2S` the diffusivity. Returns H per spot (firing order).
 */
export function heatIndex(
  xMm: Float64Array,
  yMm: Float64Array,
  tMs: Float64Array,
  pulses: Uint32Array,
  wMm: number,
  kappaMm2S: number = KAPPA_MM2_PER_S,
  cutoff: number = HEAT_CUTOFF,
  opts: HeatOptions = {},
): Float64Array {
  const n = xMm.length;
  const heat = new Float64Array(n);
  if (n < 2) return heat;
  const w2 = wMm * wMm;
  const fourK = (4 * kappaMm2S) / 1000; // mm² per ms
  const threads =
    opts.threads !== undefined
      ? Math.max(1, Math.min(2, Math.floor(opts.threads)))
      : n > THREADED_MIN_SPOTS && workersByDefault()
        ? 2
        : 1;
  const p = Float64Array.from(pulses);
  // The grid run's copy of the spots serves the slot cost model too (small scans need neither).
  const wantGrids = opts.slotMs === undefined ? n > EXACT_MAX_SPOTS : opts.slotMs > 0;
  const grids = wantGrids ? new WasmHeatGrid(xMm, yMm, tMs, p) : null;
  const chosenMs =
    opts.slotMs ?? (grids === null ? 0 : chooseSlotMs(grids, n, tMs[n - 1] - tMs[0], w2, fourK, cutoff));
  const levels = grids === null ? 0 : gridLevels(tMs[n - 1] - tMs[0], chosenMs, fourK);
  const slotMs = levels > 0 ? chosenMs : 0;
  const blockSize = Math.max(1, Math.floor(opts.blockSpots ?? BLOCK_SPOTS));
  const base = { module: wasmModule(), x: xMm, y: yMm, t: tMs, p, w2, fourK, cutoff, slotMs, blockSize };
  const gridOf = (g: WasmHeatGrid | null): Float64Array | null =>
    g !== null && levels > 0 ? gridPart(g, w2, fourK, slotMs, levels) : null;
  // This thread's exact part runs in the grid run's instance, on its copy of the spots.
  const instance = grids?.spots.ex ?? takeInstance();
  const spots = grids?.spots ?? null;
  if (threads === 1) {
    runExactJob({ ...base, out: heat, role: 0, grid: gridOf(grids), ctrl: null }, instance, spots);
    releaseInstance(instance);
    return heat;
  }
  // The worker starts on the exact part while this thread runs the grids (serial), then helps.
  const nBlocks = Math.ceil(n / blockSize);
  const out = new Float64Array(new SharedArrayBuffer(8 * n));
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (1 + nBlocks)));
  post(0, { kind: "heat", job: { ...base, out, role: 2, grid: null, ctrl } satisfies ExactJob });
  const grid = gridOf(grids);
  runExactJob({ ...base, out, role: 1, grid: null, ctrl }, instance, spots);
  for (let b = 0; b < nBlocks; b++) {
    while (Atomics.load(ctrl, 1 + b) === 0) {
      if (Atomics.wait(ctrl, 1 + b, 0, WORKER_TIMEOUT_MS) === "timed-out") {
        // The worker is gone: do it all here, in this thread's instance.
        runExactJob({ ...base, out: heat, role: 0, grid, ctrl: null }, instance, spots);
        releaseInstance(instance);
        return heat;
      }
    }
  }
  releaseInstance(instance);
  if (grid === null) heat.set(out);
  else for (let i = 0; i < n; i++) heat[i] = grid[i] + out[i];
  return heat;
}

/**
 * Slot length minimising an estimated cost, from the firing rate ρt (spots/ms) and the boxes the
 * spots of the last 3 and 4 slots cover (measured on a few windows: bounding boxes only, no
 * distances, so it costs ~1 ms). The exact part visits, per spot, the spots fired in the last 3
 * slots within reach of the cut-off: ρt·3P spread over their box A₃, of which π·r²/2 is in reach;
 * the grids blur, each slot, 3 fields over the last 4 slots' box plus the Gaussian tails, and read
 * ~1.5 µs per spot. Depends only on the scan, never on the thread count.
 */
function chooseSlotMs(
  grids: WasmHeatGrid,
  n: number,
  spanMs: number,
  w2: number,
  fourK: number,
  cutoff: number,
): number {
  if (!(fourK > 0) || spanMs <= 3 * SLOT_CHOICES_MS[0]) return 0;
  const rateT = (n - 1) / spanMs;
  const aCut = w2 / cutoff;
  const tailNodes = 2 * 4.5 * Math.sqrt(12 * 2) + 2 * 3; // both sides: e^{-20} of a 12-slot-old group
  // Per window, one walk back through the spots (in the module): the box of the spots fired in
  // the last 3 and 4 slots for every slot choice, box c at boxes[(k·cuts + c)·4 …].
  const cuts = 2 * SLOT_CHOICES_MS.length;
  const boxes = grids.windowBoxes(WINDOW_SAMPLES, SLOT_CHOICES_MS);
  let best = 0;
  let bestCost = Infinity;
  for (let choice = 0; choice < SLOT_CHOICES_MS.length; choice++) {
    const slotMs = SLOT_CHOICES_MS[choice];
    if (spanMs <= 3 * slotMs) break;
    const s3 = w2 + fourK * 3 * slotMs;
    const r2 = s3 * Math.E <= aCut ? s3 * Math.log(aCut / s3) : aCut / Math.E;
    const h = Math.sqrt((fourK * slotMs) / 2);
    let area3 = 0;
    let blurNodes = 0;
    for (let k = 0; k < WINDOW_SAMPLES; k++) {
      const o3 = (k * cuts + 2 * choice) * 4;
      const o4 = o3 + 4;
      area3 +=
        (boxes[o3 + 1] - boxes[o3] + 2 * Math.sqrt(r2)) * (boxes[o3 + 3] - boxes[o3 + 2] + 2 * Math.sqrt(r2));
      blurNodes +=
        ((boxes[o4 + 1] - boxes[o4]) / h + tailNodes) * ((boxes[o4 + 3] - boxes[o4 + 2]) / h + tailNodes);
    }
    area3 /= WINDOW_SAMPLES;
    const recent = rateT * 3 * slotMs;
    const candidates = recent * Math.min(1, (Math.PI * r2) / (2 * area3));
    const directNs = candidates * n * NS_PER_CANDIDATE;
    const gridNs =
      (blurNodes / WINDOW_SAMPLES) * 3 * (spanMs / slotMs) * NS_PER_BLUR_NODE + n * NS_PER_GRID_READ;
    const cost = gridNs + directNs;
    if (cost < bestCost) {
      bestCost = cost;
      best = slotMs;
    }
  }
  return best;
}

/** Max, 95th percentile (nearest rank) and mean of the heat index. */
export function heatStats(heat: Float64Array): HeatStats {
  const n = heat.length;
  if (n === 0) return { max: 0, p95: 0, mean: 0 };
  let total = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    total += heat[i];
    if (heat[i] > max) max = heat[i];
  }
  const p95 = kthSmallest(Float64Array.from(heat), Math.max(0, Math.ceil(0.95 * n) - 1));
  return { max, p95, mean: total / n };
}

/**
 * The `k`-th smallest value (0-based) of `a`, which is reordered: Hoare's quickselect with a
 * median-of-three pivot, O(n) on average (a full sort would hold up the thread that waits for
 * the heat index). The same value a sort would put at `k`.
 */
export function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of a[lo], a[mid], a[hi] as the pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and every value between j and i equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
