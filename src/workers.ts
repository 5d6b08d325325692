/**
 * The process's worker threads: one pool, and every worker holds every parallel job's driver
 * (splat bands, heat index blocks, Poisson strips) built from the drivers' source text, so the
 * same code runs from src/ under vitest and from dist/ without a worker file to find; the loops
 * themselves are the WebAssembly module (src/wasm.ts), which each job carries compiled and the
 * worker instantiates for it. A worker runs its jobs in the order they are posted: a heat job
 * posted while it splats starts when the splat's bands run out, so the two jobs share the cores
 * and a process never runs more threads than it has. A job that posts no answer signals through its shared arrays; its caller waits
 * there with a time limit, so a worker that dies is noticed.
 */
import { availableParallelism } from "node:os";
import { isMainThread, Worker } from "node:worker_threads";
import {
  type BandJob,
  type BandResult,
  bandsLeft,
  emptyBandResult,
  HIST_BINS,
  runBands,
} from "./dose/kernel.js";
import { growStrip, type StripJob } from "./pattern/poisson.js";
import { type HeatJob, runHeatJob } from "./sequence/heat-kernel.js";
import { InstancePool, KERNEL_IMPORTS, MAX_SPARE_BYTES } from "./wasm.js";

/**
 * A message to a worker: claim bands of a splat (answered with a BandResult), heat blocks or a
 * Poisson strip (no answer: they signal through the job's shared arrays).
 */
type WorkerMessage =
  | { kind: "bands"; job: BandJob }
  | { kind: "heat"; job: HeatJob }
  | { kind: "poisson"; job: StripJob };

/**
 * The workers' source, built on first use (not at import: the kernels' modules import this one).
 * `__name` is what tsx adds to named functions in src/ (vitest); the dynamic import works whether
 * Node runs the eval'd source as CommonJS or as a module.
 */
function workerSource(): string {
  return `"use strict";
const __name = (f) => f;
const runBands = (${runBands.toString()});
const emptyBandResult = (${emptyBandResult.toString()});
const runHeatJob = (${runHeatJob.toString()});
const growStrip = (${growStrip.toString()});
const bandsLeft = (${bandsLeft.toString()});
const InstancePool = (${InstancePool.toString()});
// One instance kept between jobs (as src/wasm.ts keeps them on the main thread): its memory is
// already mapped.
const imports = { env: { ${KERNEL_IMPORTS.env.abort.toString()}, ${KERNEL_IMPORTS.env.outOfMemory.toString()} } };
const instances = new InstancePool(imports, 1, ${MAX_SPARE_BYTES});
const run = (kernel, job, ...args) => {
  const ex = instances.take(job.module);
  kernel(job, ...args, ex);
  instances.give(ex);
};
import("node:worker_threads").then(({ parentPort }) => {
  parentPort.on("message", (msg) => {
    if (msg.kind === "heat") {
      run(runHeatJob, msg.job);
      return;
    }
    if (msg.kind === "poisson") {
      run(growStrip, msg.job);
      return;
    }
    const job = msg.job;
    const out = emptyBandResult(job.levelBits.length, ${HIST_BINS});
    if (bandsLeft(job)) run(runBands, job, out);
    parentPort.postMessage(out, [out.acc.buffer, out.levelCounts.buffer, out.hist.buffer]);
  });
});
`;
}

let source: string | undefined;

/**
 * Whether work may go to a pool worker by default: on the main thread with a core to spare
 * (inside a worker, e.g. a sweep's, the cores are already busy).
 */
export function workersByDefault(): boolean {
  return isMainThread && availableParallelism() > 1;
}

const pool: Worker[] = [];

/**
 * Start worker threads ahead of need (e.g. while modules load and the plan is parsed); they idle
 * unreferenced. Default: one per core besides the main thread.
 */
export function prestartWorkers(count = availableParallelism() - 1): void {
  while (pool.length < count) {
    source ??= workerSource();
    const w = new Worker(source, { eval: true });
    w.unref();
    w.on("error", () => {
      const at = pool.indexOf(w);
      if (at >= 0) pool.splice(at, 1);
    });
    pool.push(w);
  }
}

/** Terminate the worker threads (the CLI calls this so the process exits at once). */
export async function closeWorkers(): Promise<void> {
  const all = pool.splice(0, pool.length);
  if (all.length === 0) return;
  // A timer holds the event loop open while they stop: a terminating worker does not (even
  // ref'd), and when this runs after an error (a worker still busy on a heat job), Node would
  // otherwise exit with code 13 mid-await and the error would never be printed.
  const hold = setInterval(() => {}, 1000);
  try {
    await Promise.all(all.map((w) => w.terminate()));
  } finally {
    clearInterval(hold);
  }
}

/** Worker `index` of the pool (started if needed). */
function worker(index: number): Worker {
  prestartWorkers(index + 1);
  return pool[index];
}

/** Run a splat's bands on worker `index` (it claims bands until none is left). */
export function runBandsOnWorker(index: number, job: BandJob): Promise<BandResult> {
  const w = worker(index);
  return new Promise((resolve, reject) => {
    w.ref();
    const onMessage = (out: BandResult): void => {
      cleanup();
      resolve(out);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      w.off("message", onMessage);
      w.off("error", onError);
      w.unref();
    };
    w.on("message", onMessage);
    w.on("error", onError);
    w.postMessage({ kind: "bands", job } satisfies WorkerMessage);
  });
}

/**
 * Post a heat job (role 2: exact-part blocks) to the first worker. Nothing comes back: the
 * blocks it writes are announced through the job's shared `ctrl` array.
 */
export function postHeatJob(job: HeatJob): void {
  worker(0).postMessage({ kind: "heat", job } satisfies WorkerMessage);
}

/**
 * Post a Poisson strip to the first worker (its uniform stream is `job.seed32`); it announces
 * the end through `job.done`.
 */
export function postPoissonJob(job: StripJob): void {
  worker(0).postMessage({ kind: "poisson", job } satisfies WorkerMessage);
}
