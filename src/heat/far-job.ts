/**
 * One thread's share of the bulk rise's far field (bulk-far.ts): the ladder runs of some of the
 * decaying exponential terms. Kept apart from bulk-far.ts, which posts it to the pool, so the
 * pool's job types and the worker import it without an import cycle.
 */
import { gridTerms } from "../sequence/heat-grid.js";
import { type GridTerm, WasmHeatGrid } from "../wasm/heat-grid.js";
import type { WasmInstance, WasmModule } from "../wasm/module.js";

/** The ladder runs of some terms of one bulk rise (one thread's share). */
export interface FarJob {
  /** The compiled module (each thread makes its own instance). */
  module: WasmModule;
  /** Pulses in firing order (every pulse of a stack its own entry), times non-decreasing, ms. */
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
  /** Heat of each entry relative to a full pulse (0: an entry that only reads, a spot without pulses), or null: all 1. */
  w: Float64Array | null;
  /** Radial variance parameter of a fresh pulse, mm². */
  s0: number;
  /** 4κ, mm² per ms. */
  fourK: number;
  slotMs: number;
  levels: number;
  /** Every term's decay rate λ_k (1/ms) and trim level. */
  lambda: Float64Array;
  trim: Float64Array;
  /** The terms this job runs. */
  terms: Int32Array;
  /** Term k's grid part per pulse at [k·n, (k + 1)·n) (shared between the threads). */
  out: Float64Array;
  /** [0] becomes 1 when the job is done (a worker's job), or null. */
  ctrl: Int32Array | null;
}

/** Run a far-field job: its terms' ladders, each into its slice of `out`. */
export function runFarJob(job: FarJob, ex: WasmInstance): void {
  const n = job.x.length;
  const grids = new WasmHeatGrid(job.x, job.y, job.t, job.w ?? new Float64Array(n).fill(1), ex);
  const terms: GridTerm[] = Array.from(job.terms, (k) => ({ lambda: job.lambda[k], trim: job.trim[k] }));
  const outs = gridTerms(grids, job.s0, job.fourK, job.slotMs, job.levels, terms);
  for (let m = 0; m < outs.length; m++) job.out.set(outs[m], job.terms[m] * n);
  if (job.ctrl !== null) {
    Atomics.store(job.ctrl, 0, 1);
    Atomics.notify(job.ctrl, 0);
  }
}
