/**
 * Running a validated sweep: every variant simulated (stats only) for its report, in variant
 * order. A variant whose raster is big enough for the dose engine to split it across threads
 * runs alone on the main thread; small ones run side by side, single-threaded, one on the main
 * thread and the others on the process's pool workers (src/parallel/). Results are put back in
 * variant order, so the output is the same whatever the concurrency.
 */
import { availableParallelism } from "node:os";
import type { Report } from "../dose/report.js";
import { threadsFor } from "../dose/splat.js";
import { PlanError } from "../errors.js";
import type { VariantAnswer, VariantJob } from "../parallel/jobs.js";
import { ask, workersAvailable } from "../parallel/pool.js";
import { describeVariant, prefixed, type SweepPlan } from "./prepare.js";
import { simulateVariant } from "./variant.js";
import type { VaryValue } from "./vary.js";

/** One simulated variant. */
export interface SweepRow {
  variant: number;
  values: VaryValue[];
  report: Report;
}

/** Options of {@link runSweep}. */
export interface RunOptions {
  /**
   * Variants simulated at once (worker threads). Default: the cores, when the variants are big
   * enough to pay for starting the workers; 1 runs everything on the calling thread.
   */
  concurrency?: number;
  /** Called after each variant with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Also compute each variant's bulk temperature rise (report heat.maxC / p95C / meanC; slower). */
  bulkRise?: boolean;
}

/**
 * Below this many raster pixels in a batch a worker costs more to start (module load, its own
 * instances) than it saves (measured with `sweep` on the demo plan: bench/results/).
 */
const POOL_MIN_PIXELS = 80_000_000;

/** Can this process run variants on pool workers (the worker program is built)? */
export function sweepWorkersAvailable(): boolean {
  return workersAvailable();
}

function errorFromWorker(answer: Extract<VariantAnswer, { error: unknown }>): Error {
  const p = answer.error.plan;
  if (p) return new PlanError(p.field, p.value, p.allowed);
  const e = new Error(answer.error.message);
  if (answer.error.stack) e.stack = answer.error.stack;
  return e;
}

/** Jobs queued on a worker at once, so it never waits while the main thread is busy. */
const WORKER_QUEUE = 2;

/** A variant to run: its index among the sweep's variants and its job. */
interface Indexed {
  index: number;
  job: VariantJob;
}

/**
 * Run `jobs` on the calling thread plus pool workers 0 .. `workers` − 1; each takes the next job
 * in variant order as it frees up, and each result goes to `done(index, report)`. A failure
 * carries the failed variant's index as `variantIndex`.
 */
async function runOnPool(
  workers: number,
  jobs: Indexed[],
  done: (index: number, report: Report) => void,
): Promise<void> {
  let next = 0;
  let failed = false;
  const fail = (err: unknown, index?: number): never => {
    failed = true;
    throw Object.assign(err as object, { variantIndex: index });
  };
  // One lane per queue slot of each worker: it posts the next job when its last one is answered.
  const lane = async (w: number): Promise<void> => {
    while (!failed && next < jobs.length) {
      const { index, job } = jobs[next++];
      let answer: VariantAnswer;
      try {
        answer = await ask(w, { kind: "variant", job });
      } catch (e) {
        failed = true;
        throw e;
      }
      if ("error" in answer) fail(errorFromWorker(answer), index);
      else done(index, answer.report);
    }
  };
  const onMain = async (): Promise<void> => {
    // Let the workers get their first jobs before this thread takes one.
    await new Promise((r) => setImmediate(r));
    while (!failed && next < jobs.length) {
      const { index, job } = jobs[next++];
      let report: Report;
      try {
        report = await simulateVariant(job.plan, job.baseDir, {
          threads: 1,
          maxMemoryMb: job.maxMemoryMb,
          bulkRise: job.bulkRise,
        });
      } catch (e) {
        fail(e, index);
        return;
      }
      done(index, report);
      // Yield so the workers' answers are taken and they get new jobs.
      await new Promise((r) => setImmediate(r));
    }
  };
  const lanes: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) for (let q = 0; q < WORKER_QUEUE; q++) lanes.push(lane(w));
  const results = await Promise.allSettled([...lanes, onMain()]);
  const rejected = results.find((r) => r.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
}

/** Consecutive variants that run the same way: [from, to), big (multi-threaded) or not, and their pixels. */
function nextBatch(sweep: SweepPlan, from: number): { to: number; big: boolean; pixels: number } {
  const vs = sweep.variants;
  const big = threadsFor(vs[from].pixels) > 1;
  let to = from + 1;
  while (to < vs.length && threadsFor(vs[to].pixels) > 1 === big) to++;
  let pixels = 0;
  for (let k = from; k < to; k++) pixels += vs[k].pixels;
  return { to, big, pixels };
}

/**
 * Simulate the sweep's variants (stats only) and return one row per variant, in variant
 * order. A PlanError raised while a variant runs (e.g. no spot in the area) names the variant.
 */
export async function runSweep(sweep: SweepPlan, opts: RunOptions = {}): Promise<SweepRow[]> {
  const vs = sweep.variants;
  const reports = new Array<Report | undefined>(vs.length);
  let finished = 0;
  const store = (k: number, report: Report): void => {
    reports[k] = report;
    finished++;
    opts.onProgress?.(finished, vs.length);
  };
  const name = (i: number): string => describeVariant(sweep.keys, vs[i].values);
  const cores = opts.concurrency ?? availableParallelism();
  const pooled = cores > 1 && workersAvailable();
  // Consecutive small variants form a batch for the pool; a big one runs alone, multi-threaded.
  for (let i = 0; i < vs.length; ) {
    const { to: j, big, pixels } = nextBatch(sweep, i);
    const pool = !big && pooled && j - i > 1 && (opts.concurrency !== undefined || pixels >= POOL_MIN_PIXELS);
    if (pool) {
      const jobs: Indexed[] = [];
      for (let k = i; k < j; k++)
        jobs.push({
          index: k,
          job: {
            plan: vs[k].plan,
            baseDir: sweep.baseDir,
            maxMemoryMb: sweep.maxMemoryMb,
            ...(opts.bulkRise ? { bulkRise: true } : {}),
          },
        });
      try {
        await runOnPool(Math.min(cores, j - i) - 1, jobs, store);
      } catch (e) {
        const at = (e as { variantIndex?: number }).variantIndex;
        if (e instanceof PlanError && at !== undefined) throw prefixed(e, name(at));
        throw e;
      }
    } else {
      for (let k = i; k < j; k++) {
        let report: Report;
        try {
          report = await simulateVariant(vs[k].plan, sweep.baseDir, {
            threads: big ? opts.concurrency : 1,
            maxMemoryMb: sweep.maxMemoryMb,
            bulkRise: opts.bulkRise,
          });
        } catch (e) {
          if (e instanceof PlanError) throw prefixed(e, name(k));
          throw e;
        }
        store(k, report);
      }
    }
    i = j;
  }
  return vs.map((v, k) => ({ variant: v.index, values: v.values, report: reports[k] as Report }));
}
