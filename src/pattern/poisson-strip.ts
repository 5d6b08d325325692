/**
 * One Poisson-disk strip as a job a pool worker can run (poisson.ts explains the strips): the
 * growth itself runs in the WebAssembly module (src/wasm/poisson.ts); this announces the end.
 */
import type { WasmInstance, WasmModule } from "../wasm/module.js";
import { growPoissonStrip, type PoissonStrip } from "../wasm/poisson.js";

/** A strip to grow, with the module to grow it in and where its end is announced. */
export interface StripJob extends PoissonStrip {
  /** The compiled module (src/wasm/module.ts); the strip runs in its own instance. */
  module: WasmModule;
  /** [0]: points written (set when done); [1]: 1 when done (the poster waits on it). */
  done: Int32Array;
}

/** Grow strip `job` in `instance` (an instance of `job.module`), then announce its point count. */
export function growStrip(job: StripJob, instance: WasmInstance): void {
  job.done[0] = growPoissonStrip(instance, job);
  Atomics.store(job.done, 1, 1);
  Atomics.notify(job.done, 1);
}
