/**
 * Simulating a plan or a scan (docs/model.md, docs/formats.md): the spots' dose splatted into depth and
 * coagulation rasters, the area's stats, and the report. `simulatePlan` is the library entry;
 * `simulateSpots` is the general one (a scan file's exact spots, or rasters left out to save
 * memory when only the report is wanted).
 */
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { generatePattern } from "../pattern/index.js";
import { isTreatmentPlan } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { buildScan, type Scan } from "../sequence/index.js";
import { type DoseModel, doseModel } from "./ablation.js";
import type { Raster } from "./raster.js";
import { ABLATED_MIN_UM, buildReport, type Report, type ScanSummary } from "./report.js";
import { rasterSize, type SpotInput, splatDose } from "./splat.js";

/** Options of a simulation. */
export interface SimulateOptions {
  /** Threads (default: all cores for big rasters, one for small ones). */
  threads?: number;
  /** Return the depth raster (default true). False: stats only, in small band buffers. */
  keepDepth?: boolean;
  /** Return the coagulation raster (default false). */
  keepCoag?: boolean;
  /** Iso-depth levels, µm, whose area fractions go into `report.contours`. */
  contours?: readonly number[];
  /** Refuse runs whose rasters need more, MB (default 4096). */
  maxMemoryMb?: number;
  /** Folder relative area paths resolve against (simulatePlan). */
  baseDir?: string;
  /** Compute the firing order, heat, path and time (simulatePlan; default true). */
  scan?: boolean;
}

/** What is simulated: a plan's laser and raster settings applied to these spots. */
export interface SimulationInput {
  plan: ResolvedPlan;
  area: Area;
  spots: SpotInput;
  /** Pulses per spot: one number for all, or one per spot (a scan file's `pulses`). */
  pulses: number | ArrayLike<number>;
  /** Scan figures, or a function computing them (run on the main thread while workers splat). */
  scan?: ScanSummary | (() => ScanSummary);
}

/** A simulation's rasters (those asked for) and report. */
export interface Simulation {
  depth?: Raster;
  coag?: Raster;
  report: Report;
  model: DoseModel;
}

/** Scan figures of a built scan. */
export function scanSummary(scan: Scan): ScanSummary {
  return {
    heat: { max: scan.heat.max, p95: scan.heat.p95, mean: scan.heat.mean },
    pathLengthMm: scan.pathLengthMm,
    treatmentMs: scan.treatmentMs,
    stamps: scan.stamps.length,
    warnings: scan.warnings,
  };
}

/**
 * The coagulation raster derived from an ablative depth raster (docs/model.md):
 * depth + `coagulationUm` where depth > 0, else 0.
 */
export function coagulationFromDepth(depth: Raster, coagulationUm: number): Raster {
  const src = depth.data;
  const data = new Float32Array(src.length);
  for (let p = 0; p < src.length; p++) {
    const v = src[p];
    if (v > 0) data[p] = v + coagulationUm;
  }
  return { data, width: depth.width, height: depth.height, pixelUm: depth.pixelUm, originMm: depth.originMm };
}

/** Simulate `input.spots` (docs/model.md): rasters as asked, stats and report. */
export async function simulateSpots(input: SimulationInput, opts: SimulateOptions = {}): Promise<Simulation> {
  const { plan, area } = input;
  const model = doseModel(plan);
  const pixelUm = plan.raster.pixelUm;
  const keepDepth = opts.keepDepth ?? true;
  const keepCoag = opts.keepCoag ?? false;
  const ablative = model.kind === "ablative";
  // Ablative: the splat is the depth map and coagulation is derived from it; non-ablative: the
  // splat is the coagulation map and depth is zero.
  const keepPrimary = ablative ? keepDepth || keepCoag : keepCoag;
  const contours = [...(opts.contours ?? [])];
  let scan: ScanSummary | undefined = typeof input.scan === "function" ? undefined : input.scan;
  const scanFn = typeof input.scan === "function" ? input.scan : undefined;
  const { width, height } = rasterSize(area, pixelUm);
  const extraRaster = ablative ? keepCoag : keepDepth;
  const res = await splatDose(input.spots, input.pulses, model, area, pixelUm, {
    threads: opts.threads,
    keep: keepPrimary,
    levels: [ABLATED_MIN_UM, ...contours],
    maxMemoryMb: opts.maxMemoryMb,
    extraBytes: extraRaster ? width * height * 4 : 0,
    whileSplatting: scanFn
      ? () => {
          scan = scanFn();
        }
      : undefined,
  });
  const report = buildReport({
    plan,
    model,
    spots: input.spots.count,
    areaMm2: area.areaMm2,
    stats: res.stats,
    contours,
    scan,
  });
  const primary = res.raster;
  const out: Simulation = { report, model };
  const zero = (): Raster => ({
    data: new Float32Array(res.width * res.height),
    width: res.width,
    height: res.height,
    pixelUm,
    originMm: [area.minX, area.minY],
  });
  if (ablative) {
    if (keepDepth) out.depth = primary;
    if (keepCoag && primary) out.coag = coagulationFromDepth(primary, model.coagulationUm);
  } else {
    if (keepDepth) out.depth = zero();
    if (keepCoag) out.coag = primary;
  }
  return out;
}

/**
 * Simulate a plan (docs/model.md, docs/formats.md): area, pattern, firing order and heat, then the depth raster
 * (always returned here), the coagulation raster when `keepCoag`, and the report.
 */
export async function simulatePlan(
  plan: ResolvedPlan,
  opts: SimulateOptions = {},
): Promise<{ depth: Raster; coag?: Raster; report: Report }> {
  const area = createArea(plan.area, opts.baseDir);
  if (isTreatmentPlan(plan)) {
    // Several passes (or an aiming beam): docs/passes.md.
    const sim = await (await import("./treatment.js")).simulateTreatment(plan, area, {
      ...opts,
      keepDepth: true,
    });
    return { depth: sim.depth as Raster, coag: sim.coag, report: sim.report };
  }
  const spots = generatePattern(plan, area);
  const withScan = opts.scan ?? true;
  const sim = await simulateSpots(
    {
      plan,
      area,
      spots,
      pulses: plan.pulse.stack,
      scan: withScan ? () => scanSummary(buildScan(plan, area, spots)) : undefined,
    },
    { ...opts, keepDepth: true },
  );
  return { depth: sim.depth as Raster, coag: sim.coag, report: sim.report };
}
