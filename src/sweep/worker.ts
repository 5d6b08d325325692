/**
 * A sweep worker thread: simulates one variant per message, single-threaded, and posts its
 * report back (or the error, with a PlanError's parts so the main thread can name the variant).
 * Started by src/sweep/index.ts from dist/ (this file built to worker.js) or, under vitest,
 * from this TypeScript source through tsx.
 */
import { parentPort } from "node:worker_threads";
import { PlanError } from "../errors.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { simulateVariant } from "./variant.js";

/** A job: which variant (echoed back), its resolved plan and where relative paths resolve. */
export interface WorkerJob {
  index: number;
  plan: ResolvedPlan;
  baseDir: string;
  maxMemoryMb?: number;
}

/** A worker's answer: the report, or the error's parts. */
export type WorkerAnswer =
  | { index: number; report: import("../dose/report.js").Report }
  | {
      index: number;
      error: { message: string; stack?: string; plan?: { field: string; value: unknown; allowed: string } };
    };

const port = parentPort;
if (port) {
  port.on("message", (job: WorkerJob) => {
    simulateVariant(job.plan, job.baseDir, { threads: 1, maxMemoryMb: job.maxMemoryMb }).then(
      (report) => port.postMessage({ index: job.index, report } satisfies WorkerAnswer),
      (err: unknown) => {
        const e = err as Error;
        const answer: WorkerAnswer = {
          index: job.index,
          error: {
            message: e?.message ?? String(err),
            stack: e?.stack,
            plan:
              err instanceof PlanError
                ? { field: err.field, value: err.value, allowed: err.allowed }
                : undefined,
          },
        };
        port.postMessage(answer);
      },
    );
  });
}
