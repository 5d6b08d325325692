/**
 * Simulating a plan or a scan (docs/model.md, docs/formats.md): the spots' dose splatted into depth and
 * coagulation rasters, the area's stats, and the report. `simulatePlan` is the library entry;
 * `simulateSpots` is the general one (a scan file's exact spots, or rasters left out to save
 * memory when only the report is wanted).
 */
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import { type ScanBulkRise, scanBulkRise } from "../heat/bulk-rise.js";
import { generatePattern } from "../pattern/index.js";
import { isTreatmentPlan } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { buildScan, type Scan } from "../sequence/index.js";
import { type DoseModel, doseModel } from "./ablation.js";
import type { Raster } from "./raster.js";
import { ABLATED_MIN_UM, buildReport, type Report, type ScanSummary } from "./report.js";
import { type Firing, rasterSize, type SpotInput, splatDose } from "./splat.js";

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
  /**
   * Also compute the bulk temperature rise each spot meets when it fires (simulatePlan; default
   * false: it is several times slower than the heat index, docs/bulk-heating.md): the report's
   * heat gains maxC / p95C / meanC and a warning above `maxBulkRiseC` (default 10 K).
   */
  bulkRise?: boolean;
  /** Warning level of the bulk rise, K (with `bulkRise`). */
  maxBulkRiseC?: number;
  /**
   * Stream the maps instead of keeping them: each window of rows goes to these sinks as the
   * splat finishes it, top window first (see `sink` in splat.ts); `keepDepth` / `keepCoag` are
   * then ignored and the memory guard counts one window.
   */
  sinks?: { depth?: RowSink; coag?: RowSink };
}

/** Receives `nRows` rows of a map (memory order, row 0 = map row `row0`). */
export type RowSink = (rows: Float32Array, row0: number, nRows: number) => Promise<void> | void;

/** What is simulated: a plan's laser and raster settings applied to these spots. */
export interface SimulationInput {
  plan: ResolvedPlan;
  area: Area;
  spots: SpotInput;
  /** Pulses per spot: one number for all, or one per spot (a scan file's `pulses`). */
  pulses: number | ArrayLike<number>;
  /** Scan figures, or a function computing them (run on the main thread while workers splat). */
  scan?: ScanSummary | (() => ScanSummary);
  /**
   * Firing order and first-pulse times (a built scan has both), for a laser with a re-hit table
   * when `scan` does not carry them (docs/rehit.md); unused for other lasers.
   */
  firing?: () => { order: ArrayLike<number>; tMs: ArrayLike<number> };
}

/** A simulation's rasters (those asked for) and report. */
export interface Simulation {
  depth?: Raster;
  coag?: Raster;
  report: Report;
  model: DoseModel;
}

/**
 * Scan figures of a built scan; with `bulk` (src/heat/bulk-rise.ts) the heat gains the bulk
 * rise in K and the warnings its count of hot spots (once, when a scan file already carries it).
 */
export function scanSummary(scan: Scan, bulk?: ScanBulkRise): ScanSummary {
  const heat = { max: scan.heat.max, p95: scan.heat.p95, mean: scan.heat.mean };
  if (!bulk)
    return {
      firing: { order: scan.order, tMs: scan.tMs },
      heat,
      pathLengthMm: scan.pathLengthMm,
      treatmentMs: scan.treatmentMs,
      stamps: scan.stamps.length,
      warnings: scan.warnings,
    };
  const w = bulk.warning;
  return {
    firing: { order: scan.order, tMs: scan.tMs },
    heat: { ...heat, maxC: bulk.stats.maxC, p95C: bulk.stats.p95C, meanC: bulk.stats.meanC },
    pathLengthMm: scan.pathLengthMm,
    treatmentMs: scan.treatmentMs,
    stamps: scan.stamps.length,
    warnings: w !== null && !scan.warnings.includes(w) ? [...scan.warnings, w] : scan.warnings,
  };
}

/** Scan figures of a plan's built scan, with its bulk rise (warning above `warnK`, default 10 K). */
export function scanSummaryWithBulk(plan: ResolvedPlan, scan: Scan, warnK?: number): ScanSummary {
  return scanSummary(scan, scanBulkRise(plan, scan, warnK));
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
  const sinks = opts.sinks;
  let scratch = new Float32Array(0);
  const sink = sinks
    ? async (rows: Float32Array, row0: number, nRows: number): Promise<void> => {
        const primary = ablative ? sinks.depth : sinks.coag;
        const other = ablative ? sinks.coag : sinks.depth;
        if (primary) await primary(rows, row0, nRows);
        if (!other) return;
        if (scratch.length < rows.length) scratch = new Float32Array(rows.length);
        const out = scratch.subarray(0, rows.length);
        out.fill(0);
        // As coagulationFromDepth: depth + coagulationUm where depth > 0 (non-ablative: depth 0).
        if (ablative)
          for (let p = 0; p < rows.length; p++) if (rows[p] > 0) out[p] = rows[p] + model.coagulationUm;
        await other(out, row0, nRows);
      }
    : undefined;
  // Re-hit efficiency needs the firing times before the splat: the scan is built first.
  let firing: Firing | undefined;
  let scanned = false;
  if (ablative && model.reHit !== undefined) {
    if (scanFn) {
      scan = scanFn();
      scanned = true;
    }
    const f = scan?.firing ?? input.firing?.();
    if (f) firing = { order: f.order, tMs: f.tMs, periodMs: 1000 / plan.scanner.repRateHz };
    else
      throw new PlanError(
        "firing",
        undefined,
        `required for a laser with a re-hit table (${plan.laser.name} has reHit, docs/rehit.md): give simulateSpots a scan (or scan summary) with the firing order and times, or input.firing`,
      );
  }
  const res = await splatDose(input.spots, input.pulses, model, area, pixelUm, {
    sink,
    threads: opts.threads,
    keep: keepPrimary,
    levels: [ABLATED_MIN_UM, ...contours],
    maxMemoryMb: opts.maxMemoryMb,
    extraBytes: extraRaster ? width * height * 4 : 0,
    firing,
    whileSplatting:
      scanFn && !scanned
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
    reHitLossUm: res.reHitLossUm,
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
  if (sinks) return out;
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
      scan: withScan
        ? () => {
            const scan = buildScan(plan, area, spots);
            return opts.bulkRise ? scanSummaryWithBulk(plan, scan, opts.maxBulkRiseC) : scanSummary(scan);
          }
        : undefined,
      firing: () => buildScan(plan, area, spots),
    },
    { ...opts, keepDepth: true },
  );
  return { depth: sim.depth as Raster, coag: sim.coag, report: sim.report };
}
