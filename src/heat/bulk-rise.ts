/**
 * Bulk heating in kelvin (docs/bulk-heating.md): the temperature rise each spot meets when its
 * first pulse fires, from the heat every earlier pulse left behind (the model: bulk-model.ts).
 *
 * Spot i meets ΔT_i = Σ over every pulse fired before it (each pulse of a stack at its own
 * time). Terms below a cut-off (1e-4 K) are skipped: an analytic age limit and radius bound the
 * search, which walks a uniform cell grid whose lists are in firing order, so the cost is
 * O(n · neighbours) with no allocation per spot. This file sets the walk up (cells, tables); the
 * walk itself runs in WebAssembly (assembly/bulk-exact.ts), in blocks of spots that a pool worker
 * shares with two threads. Old heat goes on the ladder of grids (bulk-far.ts) when the cost model
 * (bulk-cost.ts) says it pays.
 */

import { PlanError } from "../errors.js";
import { parseDecimal } from "../guard/number.js";
import { post, workersByDefault } from "../parallel/pool.js";
import { expandPasses } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { gridLevels } from "../sequence/heat-grid.js";
import { type RecentCells, WasmBulkExact } from "../wasm/bulk-exact.js";
import { releaseInstance, takeInstance, wasmModule } from "../wasm/module.js";
import { chooseSlotMs } from "./bulk-cost.js";
import { fitExponentials, type PendingFar, startFarField } from "./bulk-far.js";
import {
  BULK_CUTOFF_K,
  BULK_KAPPA_MM2_PER_S,
  BULK_WARN_K,
  columnDepth,
  cutoffReach,
  depthFactor,
  type PulseHeat,
  RHO_C_J_PER_MM3_K,
  reachWithin,
  residualHeat,
} from "./bulk-model.js";
import { type RecentJob, runRecentJob } from "./recent-job.js";

/** Options of {@link bulkRise}. */
export interface BulkRiseOptions {
  /** Time between the pulses of a stack, ms (1000 / repetition rate); needed when a spot has more than one pulse. */
  periodMs?: number;
  /** Diffusivity, mm²/s (default 0.13). */
  kappaMm2S?: number;
  /** Terms below this, K, are skipped (default 1e-4). */
  cutoffK?: number;
  /** Output array (length ≥ n), reused instead of a new one. */
  out?: Float64Array;
  /**
   * Slot length of the far field, ms (bulk-far.ts): heat older than two slots is carried on the
   * ladder of grids; 0 sums every term exactly (above the cut-off); default: chosen by a cost model.
   */
  slotMs?: number;
  /**
   * Threads for the recent heat and the far field (1 or 2); default 2 (from 20,000 spots, and
   * pulses for the far field) when workers are on by default. Results are the same bits either way.
   */
  threads?: number;
  /** Filled in, when given, with where the time went (for benchmarks: bench/bulk-split.ts). */
  timing?: BulkRiseTiming;
}

/** Where a {@link bulkRise} run spent its time. */
export interface BulkRiseTiming {
  /** The slot of the far field, ms (0: none, every term summed exactly), and its exponential terms. */
  slotMs: number;
  terms: number;
  /** Set-up (cells, tables, the cost model, the fit), the recent sum, and the wait for the far field, ms. */
  setupMs: number;
  recentMs: number;
  farMs: number;
}

/** Fewest entries of the age-factor table (on √τ). */
const MIN_TABLE_SIZE = 8192;
/** Table entries across the turn of erf (fewer: the turn is computed exactly). */
const PER_TURN = 384;
/** Most cells of the search grid per spot (memory bound for sparse scans). */
const CELLS_PER_SPOT = 4;
/** Spots from which the recent heat uses a second thread by default (a worker costs ~30 ms to start). */
const THREADED_MIN_SPOTS = 20_000;
/** Spots per block of the recent heat handed between the threads. */
const BLOCK_SPOTS = 512;
/** How long to wait for the worker's blocks before computing them on this thread, ms. */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * Bulk rise ΔT_i, K, each spot meets when its first pulse fires. Arrays are in firing order with
 * non-decreasing first-pulse times `tMs`; spot j's pulses fire at tMs[j] + k·periodMs,
 * k < pulses[j]. Only pulses strictly before t_i count; the spot's own stack is left out. A spot
 * with 0 pulses leaves no heat and still meets the others' (scanBulkRise sums passes that leave
 * different heat this way).
 */
export function bulkRise(
  xMm: Float64Array,
  yMm: Float64Array,
  tMs: Float64Array,
  pulses: ArrayLike<number>,
  heat: PulseHeat,
  opts: BulkRiseOptions = {},
): Float64Array {
  const started = performance.now();
  if (opts.timing) Object.assign(opts.timing, { slotMs: 0, terms: 0, setupMs: 0, recentMs: 0, farMs: 0 });
  const n = xMm.length;
  const out = opts.out ?? new Float64Array(n);
  out.fill(0, 0, n);
  const kappa = opts.kappaMm2S ?? BULK_KAPPA_MM2_PER_S;
  const cutoff = opts.cutoffK ?? BULK_CUTOFF_K;
  const periodMs = opts.periodMs ?? 0;
  if (n < 2) return out;
  const reach = cutoffReach(heat, kappa, cutoff);
  if (reach.maxAgeMs <= 0) return out;
  const maxAge = reach.maxAgeMs;
  const rMax = reach.maxRadiusMm;
  const fourK = (4 * kappa) / 1000;
  const s0 = heat.s0Mm2;
  const L = columnDepth(heat);
  const qOverRhoC = heat.qJ / RHO_C_J_PER_MM3_K;
  const ampPerL = L > 0 ? qOverRhoC / L : 0;
  const invPi = 1 / Math.PI;

  // Uniform cell grid over the spots' box, cell side ≈ a third of the exact part's reach (coarser when that would need
  // more than CELLS_PER_SPOT cells per spot). The spots are packed cell by cell, each cell in
  // firing order, so the spots of a cell fired before spot i are the first ones of its run (the
  // walk keeps a pointer per cell past them, `items` holding each entry's firing index): walked
  // newest first, contiguous in memory.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xMm[i];
    const y = yMm[i];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  let maxStack = 1;
  for (let i = 0; i < n; i++) if (pulses[i] > maxStack) maxStack = pulses[i];
  const stackSpan = (maxStack - 1) * periodMs;
  const t0 = tMs[0];
  const spanMs = tMs[n - 1] + stackSpan - t0;
  const slotMs =
    opts.slotMs ??
    chooseSlotMs(
      xMm,
      yMm,
      tMs,
      spanMs,
      (windowMs) => (windowMs >= maxAge ? rMax : reachWithin(heat, kappa, cutoff, windowMs + stackSpan)),
      maxAge,
      fourK,
    );
  const levels = slotMs > 0 ? gridLevels(spanMs, slotMs, fourK) : 0;
  const useFar = levels > 0;
  // With the far field the exact part sees the pulses of the last three slots only: a smaller reach.
  const rExact = useFar ? reachWithin(heat, kappa, cutoff, Math.min(maxAge, 3 * slotMs + stackSpan)) : rMax;
  const r2Max = rExact * rExact;
  let cell = Math.max(rExact / 3, 1e-6);
  while ((spanX / cell + 1) * (spanY / cell + 1) > CELLS_PER_SPOT * n + 16) cell *= 1.5;
  const nx = Math.floor(spanX / cell) + 1;
  const ny = Math.floor(spanY / cell) + 1;
  const reachCells = Math.ceil(rExact / cell);
  const invCell = 1 / cell;
  const cellOf = new Int32Array(n);
  const start = new Int32Array(nx * ny + 1);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(nx - 1, Math.floor((xMm[i] - minX) * invCell));
    const cy = Math.min(ny - 1, Math.floor((yMm[i] - minY) * invCell));
    const c = cy * nx + cx;
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < nx * ny; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nx * ny);
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pt = new Float64Array(n);
  const pp = new Int32Array(n);
  const items = new Int32Array(n);
  const posOf = new Int32Array(n);
  // With the far field: the ladder's slot of each spot's first pulse and of the latest any spot's
  // last pulse can be (the same arithmetic as the ladder's), for the walk's integer tests.
  const firstSlot = new Int32Array(useFar ? n : 0);
  const lastSlot = new Int32Array(useFar ? n : 0);
  for (let i = 0; i < n; i++) {
    const c = cellOf[i];
    const q = fill[c]++;
    items[q] = i;
    posOf[i] = q;
    px[q] = xMm[i];
    py[q] = yMm[i];
    pt[q] = tMs[i];
    pp[q] = pulses[i];
    if (useFar) {
      firstSlot[q] = Math.floor((tMs[i] - t0) / slotMs);
      lastSlot[q] = Math.floor((tMs[i] + stackSpan - t0) / slotMs);
    }
  }

  // The age factor Q/(ρcL)·erf(L/√(4κτ))/π times v = √τ (smooth in v, also for L = 0) and the
  // squared cut-off radius S·ln(A/c), tabulated on v and interpolated linearly. Near τ = 0,
  // where a shallow column's factor turns within a few cells, terms are computed exactly.
  const vMax = Math.sqrt(maxAge);
  // L/√(4κ) in √ms: the v over which erf(L/√(4κτ)) turns from 1 to its tail; the table puts at
  // least PER_TURN entries across it (up to 2^18 entries), which keeps interpolation within
  // 3e-6 (the error goes as 1/PER_TURN²: measured 1.3e-5 at 171 entries).
  const turnV = L / Math.sqrt(fourK);
  const tableSize = Math.min(
    1 << 18,
    Math.max(MIN_TABLE_SIZE, Math.ceil((PER_TURN * vMax) / Math.max(turnV, 1e-12))),
  );
  const dv = vMax / (tableSize - 1);
  const invDv = 1 / dv;
  const ageTab = new Float64Array(tableSize + 1);
  const rcTab = new Float64Array(tableSize + 1);
  const ageFactorAt = (fourKTau: number): number => depthFactor(ampPerL, qOverRhoC, L, fourKTau) * invPi;
  for (let k = 1; k <= tableSize; k++) {
    const v = k * dv;
    const fourKTau = fourK * v * v;
    const a = ageFactorAt(fourKTau);
    ageTab[k] = a * v;
    const s = s0 + fourKTau;
    const amp = a / s;
    rcTab[k] = amp > cutoff ? s * Math.log(amp / cutoff) * 1.0001 + 1e-12 : 0;
  }
  ageTab[0] = L > 0 ? 0 : ageTab[1];
  // Where the table has fewer than PER_TURN entries across the turn (its size is capped; 0.99: an
  // uncapped table has PER_TURN less rounding), terms up to
  // eight turn widths are computed exactly, and past the turn (v ≫ turnV, where the factor times v
  // is ≈ const·(1 − turnV²/(3v²))) until linear interpolation's relative error dv²·turnV²/(4v⁴) is
  // about 1e-6, i.e. v/dv > √(300·turnV/dv) (measured ≤ 1.6e-6 over 7 decades of age).
  const perTurn = turnV * invDv;
  const exactCells =
    perTurn < 0.99 * PER_TURN ? Math.ceil(Math.max(8 * perTurn, Math.sqrt(300 * perTurn))) + 2 : 2;

  const ageLimit = maxAge + stackSpan;
  const cells: RecentCells = {
    nx,
    ny,
    px,
    py,
    pt,
    pp,
    items,
    posOf,
    cellOf,
    start,
    firstSlot,
    lastSlot,
    ageTab,
    rcTab,
    params: {
      minX,
      minY,
      cell,
      reachCells,
      r2Max,
      ageLimit,
      maxAge,
      periodMs,
      t0,
      slotMs: useFar ? slotMs : 0,
      s0,
      fourK,
      invDv,
      exactCells,
      depth: L,
      ampPerL,
      qOverRhoC,
      cutoff,
    },
  };
  const threads = opts.threads ?? (n >= THREADED_MIN_SPOTS && workersByDefault() ? 2 : 1);

  // The far field: the pulses of slots ≤ s − 3 on the ladder of grids (bulk-far.ts), one entry per
  // pulse; spot i reads it at its first pulse's entry.
  let pending: PendingFar | null = null;
  let entryOf: Int32Array | null = null;
  let terms = 0;
  if (useFar) {
    let total = 0;
    let silent = false;
    for (let i = 0; i < n; i++) {
      total += Math.max(1, pulses[i]);
      if (!(pulses[i] >= 1)) silent = true;
    }
    let ex = new Float64Array(total);
    let ey = new Float64Array(total);
    let et = new Float64Array(total);
    // A spot without pulses still has an entry, to read the field at, that leaves no heat.
    let ew = silent ? new Float64Array(total).fill(1) : null;
    entryOf = new Int32Array(n);
    let sorted = true;
    for (let i = 0, e = 0; i < n; i++) {
      entryOf[i] = e;
      if (ew !== null && !(pulses[i] >= 1)) ew[e] = 0;
      for (let k = 0; k < Math.max(1, pulses[i]); k++, e++) {
        ex[e] = xMm[i];
        ey[e] = yMm[i];
        et[e] = tMs[i] + k * periodMs;
        if (e > 0 && et[e] < et[e - 1]) sorted = false;
      }
    }
    // The ladder takes its entries in time order. A spot fired before the previous spot's stack
    // has ended (not a scan the sequencer makes, but allowed here) interleaves them: sort by time
    // (stable), and follow each spot's first pulse to its new place.
    if (!sorted) {
      const order = Uint32Array.from({ length: total }, (_, e) => e).sort((a, b) => et[a] - et[b] || a - b);
      const place = new Int32Array(total);
      for (let r = 0; r < total; r++) place[order[r]] = r;
      for (let i = 0; i < n; i++) entryOf[i] = place[entryOf[i]];
      const sx = ex;
      const sy = ey;
      const st = et;
      const sw = ew;
      ex = Float64Array.from(order, (e) => sx[e]);
      ey = Float64Array.from(order, (e) => sy[e]);
      et = Float64Array.from(order, (e) => st[e]);
      if (sw !== null) ew = Float64Array.from(order, (e) => sw[e]);
    }
    const g = (tau: number): number => ageFactorAt(fourK * tau) * Math.PI;
    const fit = fitExponentials(g, 2 * slotMs, spanMs + slotMs, FAR_FIT_TOLERANCE);
    terms = fit.lambda.length;
    // With two threads the worker starts on its terms now, while this thread sums the recent heat.
    pending = startFarField({
      x: ex,
      y: ey,
      t: et,
      w: ew,
      s0,
      fourK,
      slotMs,
      levels,
      lambda: fit.lambda,
      a: fit.a,
      cutoffK: cutoff,
      threads: opts.threads,
    });
  }
  // Posted after the far field's job: the worker runs its terms first, then claims the recent
  // blocks this thread has not. The other order (the worker's terms wait for half of the recent
  // blocks) measured the same within the noise on two bench scans at two slots each; the ladder
  // is the longer part there.
  const recentFrom = performance.now();
  finishRecent(startRecent(cells, threads), out);
  const farFrom = performance.now();
  if (pending !== null && entryOf !== null) {
    const far = pending.finish();
    for (let i = 0; i < n; i++) out[i] += far[entryOf[i]];
  }
  if (opts.timing) {
    const t = opts.timing;
    t.slotMs = useFar ? slotMs : 0;
    t.terms = terms;
    t.setupMs = recentFrom - started;
    t.recentMs = farFrom - recentFrom;
    t.farMs = performance.now() - farFrom;
  }
  return out;
}

/**
 * The recent heat's job for this thread: with two threads the pool worker is posted its share
 * (blocks claimed through a shared counter); it runs after any job posted before it.
 */
function startRecent(cells: RecentCells, threads: number): RecentJob {
  const n = cells.posOf.length;
  const base = { ...cells, module: wasmModule(), blockSize: BLOCK_SPOTS };
  if (threads < 2) return { ...base, out: new Float64Array(n), role: 0, ctrl: null };
  const nBlocks = Math.ceil(n / BLOCK_SPOTS);
  const out = new Float64Array(new SharedArrayBuffer(8 * n));
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (1 + nBlocks)));
  post(0, { kind: "recent", job: { ...base, out, role: 2, ctrl } });
  return { ...base, out, role: 1, ctrl };
}

/** Run this thread's share of the recent heat, wait for the worker's blocks, and copy it all into `dst`. */
function finishRecent(job: RecentJob, dst: Float64Array): void {
  const ex = takeInstance();
  runRecentJob(job, ex);
  const ctrl = job.ctrl;
  if (ctrl !== null) {
    const n = job.posOf.length;
    const nBlocks = Math.ceil(n / job.blockSize);
    // Blocks the worker has not written in time (it is gone) are computed here, in order.
    let here: WasmBulkExact | null = null;
    for (let b = 0; b < nBlocks; b++) {
      if (Atomics.load(ctrl, 1 + b) !== 0) continue;
      if (here === null && Atomics.wait(ctrl, 1 + b, 0, WORKER_TIMEOUT_MS) !== "timed-out") continue;
      here ??= new WasmBulkExact(job, ex);
      const i0 = b * job.blockSize;
      here.block(i0, Math.min(n, i0 + job.blockSize), job.out);
    }
  }
  releaseInstance(ex);
  dst.set(job.out.subarray(0, job.posOf.length));
}

/** Relative error the far field's exponential fit of the age factor stays within. */
const FAR_FIT_TOLERANCE = 2e-3;

/** The heat a plan's pulses leave and the stack period, for {@link bulkRise}. */
export function bulkRiseInputs(plan: ResolvedPlan): { heat: PulseHeat; periodMs: number } {
  return { heat: residualHeat(plan), periodMs: 1000 / plan.scanner.repRateHz };
}

/** Statistics of the bulk rise, K. */
export interface BulkRiseStats {
  maxC: number;
  /** 95th percentile (nearest rank). */
  p95C: number;
  meanC: number;
  /** Spots meeting more than the warning level. */
  over: number;
}

/**
 * Max, 95th percentile (nearest rank), mean of ΔT, and how many spots meet more than `warnK`.
 * Sorts a copy (the per-spot array is left as it is).
 */
export function bulkRiseStats(rise: Float64Array, warnK: number = BULK_WARN_K): BulkRiseStats {
  const n = rise.length;
  if (n === 0) return { maxC: 0, p95C: 0, meanC: 0, over: 0 };
  let total = 0;
  let over = 0;
  for (let i = 0; i < n; i++) {
    total += rise[i];
    if (rise[i] > warnK) over++;
  }
  const sorted = Float64Array.from(rise).sort();
  return { maxC: sorted[n - 1], p95C: sorted[Math.max(0, Math.ceil(0.95 * n) - 1)], meanC: total / n, over };
}

/** The report's warning for spots meeting more than `warnK`, or null when none does. */
export function bulkRiseWarning(stats: BulkRiseStats, n: number, warnK: number = BULK_WARN_K): string | null {
  if (stats.over === 0) return null;
  return `${stats.over} of ${n} spots meet a bulk temperature rise above ${warnK} K when they fire (max ${stats.maxC.toFixed(1)} K, from the heat earlier pulses left; see docs/bulk-heating.md): try another order, a longer delay or a lower density`;
}

/** A scan's bulk rise: per spot (firing order), its stats and the report's warning (or null). */
export interface ScanBulkRise {
  perSpot: Float64Array;
  stats: BulkRiseStats;
  warning: string | null;
}

/** The spots of a scan the bulk rise reads (firing order): positions, first-pulse times, pulses and, for multi-pass plans, each spot's pass. */
export interface BulkScan {
  xMm: Float64Array;
  yMm: Float64Array;
  tMs: Float64Array;
  pulses: ArrayLike<number>;
  pass?: Uint16Array;
}

/**
 * Bulk rise of a scan's spots (firing order) under `plan`'s laser, pulse and scanner. A spot of a
 * multi-pass plan leaves the heat of its own pass (`scan.pass`): when the passes differ in what a
 * pulse leaves or in their stack period, the rise is the sum, over each distinct kind of pulse,
 * of the rise its pulses alone cause (the heat equation is linear); every spot meets all of them.
 */
export function scanBulkRise(plan: ResolvedPlan, scan: BulkScan, warnK: number = BULK_WARN_K): ScanBulkRise {
  const perSpot = treatmentRise(plan, scan);
  const stats = bulkRiseStats(perSpot, warnK);
  return { perSpot, stats, warning: bulkRiseWarning(stats, perSpot.length, warnK) };
}

/** The per-spot rise of {@link scanBulkRise}: one sum when every pass leaves the same heat, else one per kind of pulse. */
function treatmentRise(plan: ResolvedPlan, scan: BulkScan): Float64Array {
  const passInputs = expandPasses(plan).map(bulkRiseInputs);
  const keys = passInputs.map((p) => JSON.stringify(p));
  const kinds = [...new Set(keys)];
  const pass = scan.pass;
  if (kinds.length === 1 || pass === undefined) {
    const { heat, periodMs } = passInputs[0];
    return bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { periodMs });
  }
  const n = scan.xMm.length;
  const last = passInputs.length - 1;
  const kindOfPass = keys.map((k) => kinds.indexOf(k));
  const total = new Float64Array(n);
  const pulses = new Uint32Array(n);
  const part = new Float64Array(n);
  for (let kind = 0; kind < kinds.length; kind++) {
    let any = false;
    for (let i = 0; i < n; i++) {
      const own = kindOfPass[Math.min(last, pass[i])] === kind;
      pulses[i] = own ? scan.pulses[i] : 0;
      any ||= own;
    }
    if (!any) continue;
    const { heat, periodMs } = passInputs[kindOfPass.indexOf(kind)];
    bulkRise(scan.xMm, scan.yMm, scan.tMs, pulses, heat, { periodMs, out: part });
    for (let i = 0; i < n; i++) total[i] += part[i];
  }
  return total;
}

/** Parse `--max-bulk-rise-c`: a number of kelvin > 0 (undefined: the default). */
export function parseMaxBulkRise(text: unknown): number {
  if (text === undefined) return BULK_WARN_K;
  const v = parseDecimal(String(text).trim()) ?? Number.NaN;
  if (String(text).trim() === "" || !Number.isFinite(v) || v <= 0)
    throw new PlanError("--max-bulk-rise-c", text, "allowed: a temperature rise in K > 0, e.g. 10");
  return v;
}
