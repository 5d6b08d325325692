/**
 * The jobs the pool's workers run (src/parallel/worker.ts dispatches on `kind`), and what the
 * ones that answer send back. Types only: the drivers stay free of the pool, so there is no
 * import cycle between a driver, the pool and the worker.
 */
import type { BandJob, BandResult } from "../dose/bands.js";
import type { Report } from "../dose/report.js";
import type { FarJob } from "../heat/far-job.js";
import type { RecentJob } from "../heat/recent-job.js";
import type { StripJob } from "../pattern/poisson-strip.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { ExactJob } from "../sequence/heat-exact.js";

/** A sweep variant to simulate (stats only, one thread) for its report. */
export interface VariantJob {
  plan: ResolvedPlan;
  /** Where the plan's relative paths resolve. */
  baseDir: string;
  maxMemoryMb?: number;
  /** Also compute the bulk temperature rise (docs/bulk-heating.md). */
  bulkRise?: boolean;
}

/** A variant's report, or its error's parts (a PlanError's field, value and allowed kept). */
export type VariantAnswer =
  | { report: Report }
  | { error: { message: string; stack?: string; plan?: { field: string; value: unknown; allowed: string } } };

/**
 * A job for a worker: claim bands of a splat, claim blocks of the heat index's exact part, grow
 * a Poisson strip, run some of the bulk rise's far-field terms, claim blocks of its recent heat, or simulate a sweep variant. Splat bands, heat blocks and Poisson strips
 * live in SharedArrayBuffers the posting thread works on too.
 */
export type Job =
  | { kind: "bands"; job: BandJob }
  | { kind: "heat"; job: ExactJob }
  | { kind: "poisson"; job: StripJob }
  | { kind: "far"; job: FarJob }
  | { kind: "recent"; job: RecentJob }
  | { kind: "variant"; job: VariantJob };

/** What a job of each kind answers; heat blocks and Poisson strips signal through their shared arrays instead. */
export interface Answers {
  bands: BandResult;
  variant: VariantAnswer;
}

/** The kinds that answer. */
export type AnsweredKind = keyof Answers;

/** A job as posted: `id` (unique in the process) comes back with its answer. */
export interface Envelope {
  id: number;
  job: Job;
}

/** A worker's answer to the job `id`. */
export interface Reply {
  id: number;
  answer: Answers[AnsweredKind];
}
