/**
 * Simulate what a user names: a plan file, a named plan or a scan file. A plan goes through
 * area, pattern, firing order and timing; a scan file's spots and pulses are simulated exactly
 * as written, and only its dose settings may be overridden.
 */
import { dirname, resolve } from "node:path";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import type { MapStreams } from "../io/maps.js";
import { isScanFile } from "../io/scanfile.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { Scan } from "../sequence/index.js";
import type { Simulation } from "./simulate.js";
import { timingMark } from "./splat.js";

// The heavy modules are imported when a simulation runs, so that a caller that starts worker
// threads first (the CLI) has them boot meanwhile.

/** A finished simulation with what it was made of (the heatmap writer needs plan and area). */
export interface SimulateRun {
  sim: Simulation;
  plan: ResolvedPlan;
  area: Area;
}

/** Options of {@link simulateFile}. */
export interface SimulateFileOptions {
  /** Plan overrides by dotted key (`"pattern.coverage": 0.2`). */
  overrides?: Record<string, unknown>;
  /** Threads requested (default: all cores for big rasters). */
  threads?: number;
  keepDepth?: boolean;
  keepCoag?: boolean;
  /** Iso-depth levels, µm, whose area fractions the report gives. */
  contours?: readonly number[];
  maxMemoryMb?: number;
  /** Refuse runs estimated above this much work (spot-pixel updates, see guard/work.ts); default no limit. */
  maxWork?: number;
  /**
   * Also compute the bulk temperature rise each spot meets when it fires (default false: it is
   * several times slower than the heat index; docs/bulk-heating.md).
   */
  bulkRise?: boolean;
  /** Warning level of the bulk rise, K (with `bulkRise`; default 10). */
  maxBulkRiseC?: number;
  /**
   * Stream the maps instead of keeping them: called once plan and area are known; when it
   * returns writers, the splat feeds them window by window (e.g. io/maps.ts zarrStreams).
   */
  streamMaps?: (plan: ResolvedPlan, area: Area) => Promise<MapStreams | undefined>;
}

/** Plan keys a scan file's simulation may override: dose settings only (its spots are fixed). */
export const SCAN_OVERRIDABLE = [
  "pulse.energyMj",
  "pulse.fluenceJcm2",
  "spot.diameterUm",
  "spot.profile",
  "raster.pixelUm",
];

/** Is `path` a scan file (`"format": "laserscan-scan"`, wherever the key is)? */
export { isScanFile } from "../io/scanfile.js";

/** The largest entry of a column (pulses per spot). */
function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** Load `input` (a plan, a named plan or a scan file), simulate it and return the rasters asked for. */
export async function simulateFile(input: string, opts: SimulateFileOptions = {}): Promise<SimulateRun> {
  const overrides = opts.overrides ?? {};
  const threads = opts.threads;
  const keep = {
    threads: 1,
    keepDepth: opts.keepDepth ?? true,
    keepCoag: opts.keepCoag ?? false,
    contours: opts.contours ?? [],
    maxMemoryMb: opts.maxMemoryMb,
  };
  const [
    { rasterSize, threadsFor },
    { scanSummary, scanSummaryWithBulk, simulateSpots },
    { loadPlan, resolvePlan },
  ] = await Promise.all([import("./splat.js"), import("./simulate.js"), import("../plan/load.js")]);
  const summary = (plan: ResolvedPlan, scan: Scan) =>
    opts.bulkRise ? scanSummaryWithBulk(plan, scan, opts.maxBulkRiseC) : scanSummary(scan);
  if (isScanFile(input)) {
    // Simulate exactly the file's spots and pulses; its stats give heat, path and time.
    for (const key of Object.keys(overrides))
      if (!SCAN_OVERRIDABLE.includes(key))
        throw new PlanError(
          key,
          overrides[key],
          `a scan file's spots are fixed; allowed overrides: ${SCAN_OVERRIDABLE.join(", ")}`,
        );
    const file = (await import("../io/scanfile.js")).readScanFile(input);
    const plan = Object.keys(overrides).length
      ? resolvePlan(file.plan, dirname(resolve(input)), overrides)
      : file.plan;
    if (opts.maxWork !== undefined) {
      const { checkWork, simulateWork } = await import("../guard/work.js");
      checkWork(
        simulateWork(plan, file.area, file.spots.count, maxOf(file.scan.pulses)),
        opts.maxWork,
        "this simulation",
      );
    }
    const { width, height } = rasterSize(file.area, plan.raster.pixelUm);
    keep.threads = threadsFor(width * height, threads);
    if (
      file.scan.pass !== undefined ||
      file.plan.passes !== undefined ||
      file.plan.pattern.passes !== undefined
    ) {
      // A multi-pass scan file: each pass with its own settings (docs/passes.md).
      const { simulateScanPasses } = await import("./treatment.js");
      const bulk = { bulkRise: opts.bulkRise, maxBulkRiseC: opts.maxBulkRiseC };
      return {
        sim: await simulateScanPasses(plan, file.area, file.scan, { ...keep, ...bulk }),
        plan,
        area: file.area,
      };
    }
    const streams = await opts.streamMaps?.(plan, file.area);
    const run = async (): Promise<SimulateRun> => {
      const sim = await simulateSpots(
        {
          plan,
          area: file.area,
          spots: file.spots,
          pulses: file.scan.pulses,
          scan: summary(plan, file.scan),
        },
        { ...keep, sinks: streams?.sinks },
      );
      // A one-pass scan file with an aiming beam keeps its aiming time (docs/passes.md).
      if (file.scan.aimMs !== undefined) sim.report.aimMs = file.scan.aimMs;
      return { sim, plan, area: file.area };
    };
    return streams ? streams.finish(run) : run();
  }
  const [{ createArea }, { generatePattern }, { buildScan }] = await Promise.all([
    import("../area/index.js"),
    import("../pattern/index.js"),
    import("../sequence/index.js"),
  ]);
  timingMark("modules loaded");
  const { plan, baseDir } = loadPlan(input, overrides);
  const area = createArea(plan.area, baseDir);
  if (opts.maxWork !== undefined) {
    const { checkWork, simulateWork } = await import("../guard/work.js");
    // A multi-pass plan: each pass is a simulation of its own (docs/passes.md).
    const { expandPasses } = await import("../plan/passes.js");
    let work = 0;
    for (const pass of expandPasses(plan)) work += simulateWork(pass, area);
    checkWork(work, opts.maxWork, "this simulation");
  }
  const { width, height } = rasterSize(area, plan.raster.pixelUm);
  keep.threads = threadsFor(width * height, threads);
  const { isTreatmentPlan } = await import("../plan/passes.js");
  if (isTreatmentPlan(plan)) {
    // Several passes (or an aiming beam): docs/passes.md.
    const { simulateTreatment } = await import("./treatment.js");
    const bulk = { bulkRise: opts.bulkRise, maxBulkRiseC: opts.maxBulkRiseC };
    return {
      sim: await simulateTreatment(plan, area, { ...keep, ...bulk, heatThreads: threads }),
      plan,
      area,
    };
  }
  const spots = generatePattern(plan, area);
  timingMark(`plan, area and ${spots.count} spots`);
  const streams = await opts.streamMaps?.(plan, area);
  const run = async (): Promise<SimulateRun> => ({ sim: await simulateMapped(), plan, area });
  const simulateMapped = () =>
    simulateSpots(
      {
        plan,
        area,
        spots,
        pulses: plan.pulse.stack,
        scan: () => {
          const s = summary(plan, buildScan(plan, area, spots, { heatThreads: threads }));
          timingMark("firing order, timing and heat (main thread)");
          return s;
        },
      },
      { ...keep, sinks: streams?.sinks },
    );
  return streams ? streams.finish(run) : run();
}
