/**
 * Work split into blocks that a pool worker and this thread claim one at a time through a shared
 * Int32Array `ctrl`: ctrl[0] is the next block to take, ctrl[1 + b] the role (1: this thread,
 * 2: the worker) that wrote block b, 0 until then (notified when set). Used by the heat index's
 * exact part (src/sequence/heat-exact.ts) and the bulk rise's recent heat (src/heat/recent-job.ts).
 */

/** Whether every one of the blocks of `n` items is already taken (a late thread has nothing to do). */
export function allClaimed(ctrl: Int32Array, n: number, blockSize: number): boolean {
  return Atomics.load(ctrl, 0) >= Math.ceil(n / blockSize);
}

/** Claim blocks of `n` items until none is left: run each on [i0, i1), then mark it written by `role`. */
export function claimBlocks(
  ctrl: Int32Array,
  role: number,
  n: number,
  blockSize: number,
  run: (i0: number, i1: number) => void,
): void {
  const nBlocks = Math.ceil(n / blockSize);
  for (;;) {
    const blk = Atomics.add(ctrl, 0, 1);
    if (blk >= nBlocks) return;
    const i0 = blk * blockSize;
    run(i0, Math.min(n, i0 + blockSize));
    Atomics.store(ctrl, 1 + blk, role);
    Atomics.notify(ctrl, 1 + blk);
  }
}
