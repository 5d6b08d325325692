/**
 * Simulating a multi-pass treatment (docs/passes.md): each pass is splatted with its own dose
 * model (energy, spot, stack), every pulse judged against the threshold on its own as in a
 * one-pass plan, and the passes' rasters are added (ablation depth) or maxed (non-ablative
 * coagulation columns, as the splat does for overlapping columns within a pass). The report has
 * the totals over all passes plus each pass's own contribution.
 */
import type { Area } from "../area/types.js";
import { expandPasses } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { Scan } from "../sequence/index.js";
import { buildTreatment } from "../sequence/treatment.js";
import { doseModel } from "./ablation.js";
import type { Raster } from "./raster.js";
import { ABLATED_MIN_UM, buildReport, type PassReport } from "./report.js";
import {
  coagulationFromDepth,
  type SimulateOptions,
  type Simulation,
  scanSummary,
  scanSummaryWithBulk,
} from "./simulate.js";
import { type SpotInput, splatDose } from "./splat.js";
import { rasterStats } from "./stats.js";

/** What a treatment simulation needs: the plan, and each pass's plan, spots and pulses. */
export interface TreatmentInput {
  plan: ResolvedPlan;
  area: Area;
  passPlans: ResolvedPlan[];
  passSpots: SpotInput[];
  /** Pulses per spot of each pass (a number, or one per spot). */
  passPulses: (number | ArrayLike<number>)[];
  /** The scan of the whole treatment (timing, heat, per-pass times), if known. */
  scan?: Scan;
  /** Put the scan's figures (heat, path, time) in the report (default true). */
  reportScan?: boolean;
}

/** The spots of a scan (all passes in firing order) split by its `pass` column. */
export function splitByPass(
  scan: Scan,
  passes: number,
): { spots: SpotInput[]; pulses: Uint32Array[]; tMs: Float64Array[] } {
  const n = scan.xMm.length;
  const counts = new Uint32Array(passes);
  for (let i = 0; i < n; i++) counts[Math.min(passes - 1, scan.pass?.[i] ?? 0)]++;
  const spots = Array.from(counts, (c) => ({ x: new Float64Array(c), y: new Float64Array(c), count: c }));
  const pulses = Array.from(counts, (c) => new Uint32Array(c));
  const tMs = Array.from(counts, (c) => new Float64Array(c));
  const at = new Uint32Array(passes);
  for (let i = 0; i < n; i++) {
    const k = Math.min(passes - 1, scan.pass?.[i] ?? 0);
    const j = at[k]++;
    spots[k].x[j] = scan.xMm[i];
    spots[k].y[j] = scan.yMm[i];
    pulses[k][j] = scan.pulses[i];
    tMs[k][j] = scan.tMs[i];
  }
  return { spots, pulses, tMs };
}

/** Simulate a treatment: the passes' rasters combined, the totals and the per-pass report. */
export async function simulatePasses(input: TreatmentInput, opts: SimulateOptions = {}): Promise<Simulation> {
  const { plan, area, passPlans } = input;
  const models = passPlans.map((p) => doseModel(p));
  const model = models[0];
  const ablative = model.kind === "ablative";
  const contours = [...(opts.contours ?? [])];
  const pixelUm = plan.raster.pixelUm;
  let total: Raster | undefined;
  const perPass: PassReport[] = [];
  let reHitLossUm = 0;
  // A laser with a re-hit table needs each spot's firing time: the passes' spots are taken from
  // the scan in firing order. Each pass is splatted on its own, so a re-hit across two passes is
  // not seen (passes are usually further apart than the tables reach).
  const reHit = ablative && models.some((m) => m.reHit !== undefined && m.reHit.length > 0);
  let passSpots = input.passSpots;
  let passPulses = input.passPulses;
  let passTimes: Float64Array[] | undefined;
  if (reHit) {
    if (!input.scan) throw new Error("a laser with a re-hit table needs the treatment's scan (firing times)");
    const split = splitByPass(input.scan, passPlans.length);
    passSpots = split.spots;
    passPulses = split.pulses;
    passTimes = split.tMs;
  }
  for (let k = 0; k < passPlans.length; k++) {
    const firing = passTimes
      ? {
          order: Uint32Array.from({ length: passTimes[k].length }, (_, i) => i),
          tMs: passTimes[k],
          periodMs: 1000 / passPlans[k].scanner.repRateHz,
        }
      : undefined;
    const res = await splatDose(passSpots[k], passPulses[k], models[k], area, pixelUm, {
      firing,
      threads: opts.threads,
      keep: true,
      levels: [ABLATED_MIN_UM],
      maxMemoryMb: opts.maxMemoryMb,
      extraBytes: total ? total.data.length * 4 : 0,
    });
    const r = res.raster as Raster;
    if (res.reHitLossUm !== undefined) reHitLossUm += res.reHitLossUm;
    const info = input.scan?.passes?.[k];
    perPass.push({
      spots: passSpots[k].count,
      treatmentMs: info ? info.treatmentMs : null,
      depth: ablative ? { meanUm: res.stats.meanUm, maxUm: res.stats.maxUm } : { meanUm: 0, maxUm: 0 },
    });
    if (!total) total = r;
    else {
      const a = total.data;
      const b = r.data;
      if (ablative) for (let p = 0; p < a.length; p++) a[p] += b[p];
      else for (let p = 0; p < a.length; p++) if (b[p] > a[p]) a[p] = b[p];
    }
  }
  const primary = total as Raster;
  const stats = rasterStats(primary, area, [ABLATED_MIN_UM, ...contours]);
  let spots = 0;
  for (const s of passSpots) spots += s.count;
  // With `bulkRise`, the bulk rise of the whole treatment (every pass's pulses, as `scan` computes it).
  const summary =
    input.scan && input.reportScan !== false
      ? opts.bulkRise
        ? scanSummaryWithBulk(plan, input.scan, opts.maxBulkRiseC)
        : scanSummary(input.scan)
      : undefined;
  const report = buildReport({
    plan,
    model,
    spots,
    areaMm2: area.areaMm2,
    stats,
    contours,
    scan: summary,
    reHitLossUm: reHit ? reHitLossUm : undefined,
  });
  if (input.scan?.aimMs !== undefined) report.aimMs = input.scan.aimMs;
  if (passPlans.length > 1) report.passes = perPass;
  const out: Simulation = { report, model };
  const keepDepth = opts.keepDepth ?? true;
  const keepCoag = opts.keepCoag ?? false;
  const zero = (): Raster => ({ ...primary, data: new Float32Array(primary.data.length) });
  if (ablative) {
    if (keepDepth) out.depth = primary;
    if (keepCoag) out.coag = coagulationFromDepth(primary, model.coagulationUm);
  } else {
    if (keepDepth) out.depth = zero();
    if (keepCoag) out.coag = primary;
  }
  return out;
}

/** Simulate a plan with passes (or an aiming beam): build the treatment, then {@link simulatePasses}. */
export async function simulateTreatment(
  plan: ResolvedPlan,
  area: Area,
  opts: SimulateOptions & { heatThreads?: number } = {},
): Promise<Simulation> {
  const t = buildTreatment(plan, area, { heatThreads: opts.heatThreads });
  return simulatePasses(
    {
      plan,
      area,
      passPlans: t.passPlans,
      passSpots: t.passSpots,
      passPulses: t.passPlans.map((p) => p.pulse.stack),
      scan: t.scan,
      reportScan: opts.scan !== false,
    },
    opts,
  );
}

/** Simulate a multi-pass scan file's spots exactly: split by its `pass` column. */
export async function simulateScanPasses(
  plan: ResolvedPlan,
  area: Area,
  scan: Scan,
  opts: SimulateOptions = {},
): Promise<Simulation> {
  const passPlans = expandPasses(plan);
  const { spots, pulses } = splitByPass(scan, passPlans.length);
  return simulatePasses({ plan, area, passPlans, passSpots: spots, passPulses: pulses, scan }, opts);
}
