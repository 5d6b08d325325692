/**
 * One sweep variant simulated for its report only: area, pattern, firing order,
 * heat and the dose stats, no raster kept. Shared by the main thread and the sweep workers
 * (src/parallel/worker.ts), so a variant gives the same bytes wherever it runs.
 */
import { createArea } from "../area/index.js";
import type { Report } from "../dose/report.js";
import { scanSummary, scanSummaryWithBulk, simulateSpots } from "../dose/simulate.js";
import { generatePattern } from "../pattern/index.js";
import { isTreatmentPlan } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { buildScan } from "../sequence/index.js";

/** Options of {@link simulateVariant}. */
export interface VariantOptions {
  /** Threads for the dose splat (default: the engine's choice, all cores for big rasters). */
  threads?: number;
  /** Refuse runs whose rasters need more, MB. */
  maxMemoryMb?: number;
  /** Also compute the bulk temperature rise (default false: slower; docs/bulk-heating.md). */
  bulkRise?: boolean;
}

/** Simulate a resolved plan (stats only) and return its report. */
export async function simulateVariant(
  plan: ResolvedPlan,
  baseDir: string,
  opts: VariantOptions = {},
): Promise<Report> {
  const area = createArea(plan.area, baseDir);
  if (isTreatmentPlan(plan)) {
    // Several passes (or an aiming beam): docs/passes.md.
    const { simulateTreatment } = await import("../dose/treatment.js");
    const vopts = { threads: opts.threads, keepDepth: false, keepCoag: false, maxMemoryMb: opts.maxMemoryMb };
    return (await simulateTreatment(plan, area, vopts)).report;
  }
  const spots = generatePattern(plan, area);
  const sim = await simulateSpots(
    {
      plan,
      area,
      spots,
      pulses: plan.pulse.stack,
      scan: () => {
        const scan = buildScan(plan, area, spots);
        return opts.bulkRise ? scanSummaryWithBulk(plan, scan) : scanSummary(scan);
      },
    },
    { threads: opts.threads, keepDepth: false, keepCoag: false, maxMemoryMb: opts.maxMemoryMb },
  );
  return sim.report;
}
