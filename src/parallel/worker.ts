/**
 * The pool's worker program (started by src/parallel/pool.ts from dist/parallel/worker.js): one
 * job at a time, in the order posted, dispatched on its kind. Splat bands, heat blocks and
 * Poisson strips run in an instance of the module the job carries (one spare instance is kept
 * between jobs, its memory already mapped); a sweep variant loads the whole pipeline on its
 * first use, so workers that only splat start light.
 */
import { parentPort } from "node:worker_threads";
import { type BandJob, bandsLeft, emptyBandResult, runBands } from "../dose/bands.js";
import { PlanError } from "../errors.js";
import { runFarJob } from "../heat/far-job.js";
import { runRecentJob } from "../heat/recent-job.js";
import { growStrip } from "../pattern/poisson-strip.js";
import { runExactJob } from "../sequence/heat-exact.js";
import { releaseInstance, takeInstance, type WasmInstance, type WasmModule } from "../wasm/module.js";
import type { Envelope, Reply, VariantAnswer, VariantJob } from "./jobs.js";

const port = parentPort;

/** Run `f` in an instance of `module`, handed back afterwards. */
function inInstance(module: WasmModule, f: (ex: WasmInstance) => void): void {
  const ex = takeInstance(module);
  f(ex);
  releaseInstance(ex);
}

function bands(id: number, job: BandJob): void {
  const out = emptyBandResult(job.levelBits.length);
  if (bandsLeft(job)) inInstance(job.module, (ex) => runBands(job, out, ex));
  port?.postMessage({ id, answer: out } satisfies Reply, [
    out.levelCounts.buffer as ArrayBuffer,
    out.hist.buffer as ArrayBuffer,
  ]);
}

async function variant(id: number, job: VariantJob): Promise<void> {
  let answer: VariantAnswer;
  try {
    const { simulateVariant } = await import("../sweep/variant.js");
    const report = await simulateVariant(job.plan, job.baseDir, {
      threads: 1,
      maxMemoryMb: job.maxMemoryMb,
      bulkRise: job.bulkRise,
    });
    answer = { report };
  } catch (err) {
    const e = err as Error;
    answer = {
      error: {
        message: e?.message ?? String(err),
        stack: e?.stack,
        plan:
          err instanceof PlanError ? { field: err.field, value: err.value, allowed: err.allowed } : undefined,
      },
    };
  }
  port?.postMessage({ id, answer } satisfies Reply);
}

port?.on("message", ({ id, job }: Envelope) => {
  switch (job.kind) {
    case "bands":
      bands(id, job.job);
      return;
    case "heat":
      inInstance(job.job.module, (ex) => runExactJob(job.job, ex));
      return;
    case "poisson":
      inInstance(job.job.module, (ex) => growStrip(job.job, ex));
      return;
    case "far":
      inInstance(job.job.module, (ex) => runFarJob(job.job, ex));
      return;
    case "recent":
      inInstance(job.job.module, (ex) => runRecentJob(job.job, ex));
      return;
    case "variant":
      void variant(id, job.job);
      return;
  }
});
