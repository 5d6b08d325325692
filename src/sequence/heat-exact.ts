/**
 * The heat index sum split by age: recent spots exactly (this file, the loops in
 * assembly/heat-exact.ts), older ones as diffusing fields on a ladder of grids (heat-grid.ts,
 * assembly/heat-grid.ts).
 *
 * Time is cut into slots of `slotMs` (P). For spot i in slot s (t_i − t_0 ∈ [sP, (s+1)P)):
 * - spots fired in slots ≥ s − 2 are summed exactly (cells of a spatial grid, each list in
 *   firing order, terms below the cut-off skipped);
 * - older spots live on grid levels ℓ = 0, 1, ...: level ℓ has slots P_ℓ = 4^ℓ·P and node
 *   spacing h_ℓ = 2^ℓ·h with 2h_ℓ² = 4κP_ℓ. A level holds, as sampled fields at its reference
 *   time (s_ℓ − 1)·P_ℓ, "groups" of 4 of its slots' spots; every slot each group is blurred by
 *   the exact heat kernel of one slot (a 7-tap Gaussian of variance 1 node²), a new slot enters (level
 *   0: each spot's Gaussian sampled on the nodes; coarser levels: a group of the level below,
 *   sub-sampled: the nodes coincide), and the oldest group leaves for the next level (the top
 *   level keeps it in an archive). A spot's sum over a level is then the heat-kernel
 *   convolution of the level's field from its reference time to t_i (a Gaussian of
 *   S_b = 4κ(t_i − ref) ∈ [2h², 4h²) summed over nodes), exact in time.
 * Fields are sampled only when their Gaussians are at least 2h² wide, so the lattice sums are
 * within e^{−π²} ≈ 5·10⁻⁵ of the integrals; windows are cut where the Gaussians fall below
 * e^{−7} (deposits e^{−9}).
 *
 * This file drives the exact part on one thread or on two (the second a pool worker).
 */

import { allClaimed, claimBlocks } from "../parallel/blocks.js";
import { copySpots, type SpotsInInstance, WasmHeatExact } from "../wasm/heat-exact.js";
import type { WasmInstance, WasmModule } from "../wasm/module.js";

/** Inputs and output of one heat index run (arrays in firing order, times non-decreasing). */
export interface ExactJob {
  /** The compiled module (src/wasm/module.ts); each thread makes its own instance. */
  module: WasmModule;
  x: Float64Array;
  y: Float64Array;
  /** First-pulse times, ms. */
  t: Float64Array;
  /** Pulses per spot. */
  p: Float64Array;
  /** Spot 1/e² radius squared, mm². */
  w2: number;
  /** 4κ in mm² per ms. */
  fourK: number;
  /** Terms of the exact part below this are skipped. */
  cutoff: number;
  /** Slot length P, ms; 0 sums every term exactly (no grids: heat-grid.ts `gridLevels` is 0). */
  slotMs: number;
  /** Heat index per spot (role 0), or the exact part of it (roles 1, 2). */
  out: Float64Array;
  /** Spots per work block. */
  blockSize: number;
  /**
   * 0: one thread, `out` = `grid` + the exact part. 1 (main) and 2 (worker) of two: exact-part
   * blocks into `out`, claimed through `ctrl` (heat.ts adds the grid part).
   */
  role: 0 | 1 | 2;
  /** Grid part per spot, added to the exact part (role 0), or null (none). */
  grid: Float64Array | null;
  /** Shared claims (roles 1, 2): [0] next exact-part block, [1 + b] = the role that wrote block b (0 until then). */
  ctrl: Int32Array | null;
}

/**
 * Compute the exact part of the blocks this thread claims (all of them for role 0), see the
 * module comment, in `instance`: an instance of `job.module`. `spots`: the job's spots already in
 * that instance (the grid run's copy, heat-grid.ts), or null to copy them in.
 */
export function runExactJob(
  job: ExactJob,
  instance: WasmInstance,
  spots: SpotsInInstance | null = null,
): void {
  const n = job.x.length;
  const ctrl = job.ctrl;
  if (n === 0) return;
  // A thread that comes after every block was taken (it was busy) has nothing to do.
  if (job.role !== 0 && (ctrl === null || allClaimed(ctrl, n, job.blockSize))) return;
  const where = spots ?? copySpots(instance, job.x, job.y, job.t, job.p);
  const exact = new WasmHeatExact(where, job, job.role === 0 ? job.grid : null);
  if (job.role === 0) {
    exact.all(job.out);
    return;
  }
  if (ctrl === null) return;
  claimBlocks(ctrl, job.role, n, job.blockSize, (i0, i1) => exact.block(i0, i1, job.out));
}
