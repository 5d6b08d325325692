/**
 * One thread's share of the bulk rise's recent heat (bulk-rise.ts; the loops in
 * assembly/bulk-exact.ts): blocks of spots, all of them on one thread, or claimed one at a time
 * through a shared counter by this thread and a pool worker. Kept apart from bulk-rise.ts, which
 * posts it to the pool, so the pool's job types and the worker import it without an import cycle.
 */
import { allClaimed, claimBlocks } from "../parallel/blocks.js";
import { type RecentCells, WasmBulkExact } from "../wasm/bulk-exact.js";
import type { WasmInstance, WasmModule } from "../wasm/module.js";

/** The recent heat of one bulk rise (one thread's share). */
export interface RecentJob extends RecentCells {
  /** The compiled module (each thread makes its own instance). */
  module: WasmModule;
  /** Recent heat per spot, K (shared between the threads for roles 1 and 2). */
  out: Float64Array;
  /** Spots per block. */
  blockSize: number;
  /** 0: one thread, every block; 1 (this thread) and 2 (the worker) of two: the blocks each claims. */
  role: 0 | 1 | 2;
  /** Shared claims (roles 1, 2): [0] the next block, [1 + b] = the role that wrote block b (0 until then). */
  ctrl: Int32Array | null;
}

/** Compute the blocks this thread claims (every block for role 0) in `instance`, an instance of `job.module`. */
export function runRecentJob(job: RecentJob, instance: WasmInstance): void {
  const n = job.posOf.length;
  const ctrl = job.ctrl;
  if (n === 0) return;
  // A thread that comes after every block was taken (it was busy) has nothing to do.
  if (job.role !== 0 && (ctrl === null || allClaimed(ctrl, n, job.blockSize))) return;
  const walk = new WasmBulkExact(job, instance);
  if (job.role === 0 || ctrl === null) {
    walk.all(job.out, job.blockSize);
    return;
  }
  claimBlocks(ctrl, job.role, n, job.blockSize, (i0, i1) => walk.block(i0, i1, job.out));
}
