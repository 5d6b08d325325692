/**
 * `laserscan view <plan | scan.json> -o view.html`: one self-contained page to explore a
 * treatment (depth map with zoom and pan, the firing order on a timeline, cross-sections), and
 * the `render --section` picture that draws the same cross-section as a PNG. The page's data
 * and script are inline; it fetches nothing (docs/viewer.md).
 */
import { dirname, extname, resolve } from "node:path";
import { type Command, Option } from "commander";
import type { Area } from "../../area/types.js";
import type { Raster } from "../../dose/raster.js";
import type { Report } from "../../dose/report.js";
import { PlanError } from "../../errors.js";
import type { ScanBulkRise } from "../../heat/bulk-rise.js";
import { checkWritable, claimStdout, summaryStream, writeFileAtomic } from "../../io/atomic.js";
import type { ResolvedPlan } from "../../plan/schema.js";
import type { Scan } from "../../sequence/index.js";
import {
  addMaxWorkOption,
  addPlanOptions,
  maxWorkFrom,
  overridesFromOptions,
  parseThreadsFlag,
} from "../options.js";

/** Options of `view` as commander hands them over. */
interface ViewCliOptions {
  output: string;
  depth?: string;
  coag?: string;
  threads?: string;
  json?: boolean;
  bulkRise?: boolean;
  maxBulkRiseC?: string;
  [override: string]: unknown;
}

/** Plan keys a scan file's view may override (its spots are fixed). */
const SCAN_OVERRIDABLE = [
  "pulse.energyMj",
  "pulse.fluenceJcm2",
  "spot.diameterUm",
  "spot.profile",
  "raster.pixelUm",
];

function htmlPath(value: string): string {
  if (value === "-") {
    checkWritable(value, "--output", { stdout: true }); // the page is text: "-" is standard output
    return value;
  }
  const ext = extname(value).toLowerCase();
  if (ext !== ".html" && ext !== ".htm")
    throw new PlanError("--output", value, "allowed: a file ending in .html");
  checkWritable(value, "--output");
  return value;
}

function mapPath(flag: string): (value: string) => string {
  return (value: string) => {
    const ext = extname(value).toLowerCase();
    if (ext !== ".npy" && ext !== ".png")
      throw new PlanError(flag, value, "allowed: a .npy or 16-bit .png map written by simulate");
    return value;
  };
}

/** A plan or scan file with its firing order, ready to simulate or to pair with maps. */
interface Treatment {
  plan: ResolvedPlan;
  area: Area;
  scan: Scan;
  /** The spots as simulate splats them (generation order for a plan, the file's order for a scan). */
  spots: { x: Float64Array; y: Float64Array; count: number };
  pulses: number | Uint32Array;
  fromScanFile: boolean;
  /** A scan file's bulk temperature rise per spot, K (`scan --heat --bulk-rise`), in firing order. */
  tempRiseC?: Float64Array;
}

async function loadTreatment(input: string, overrides: Record<string, unknown>): Promise<Treatment> {
  const { isScanFile } = await import("../../dose/simulate-file.js");
  if (isScanFile(input)) {
    for (const key of Object.keys(overrides))
      if (!SCAN_OVERRIDABLE.includes(key))
        throw new PlanError(
          key,
          overrides[key],
          `a scan file's spots are fixed; allowed overrides: ${SCAN_OVERRIDABLE.join(", ")}`,
        );
    const file = (await import("../../io/scanfile.js")).readScanFile(input);
    if (
      file.scan.pass !== undefined ||
      file.plan.passes !== undefined ||
      file.plan.pattern.passes !== undefined
    )
      throw new PlanError(
        "passes",
        input,
        "view shows one-pass plans; use scan --preview and simulate (docs/passes.md)",
      );
    const plan = Object.keys(overrides).length
      ? (await import("../../plan/load.js")).resolvePlan(file.plan, dirname(resolve(input)), overrides)
      : file.plan;
    return {
      plan,
      area: file.area,
      scan: file.scan,
      spots: file.spots,
      pulses: file.scan.pulses,
      fromScanFile: true,
      ...(file.tempRiseC ? { tempRiseC: file.tempRiseC } : {}),
    };
  }
  const [{ loadPlan }, { createArea }, { buildTreatment }] = await Promise.all([
    import("../../plan/load.js"),
    import("../../area/index.js"),
    import("../../sequence/treatment.js"),
  ]);
  const { plan, baseDir } = loadPlan(input, overrides);
  if (plan.passes !== undefined || plan.pattern.passes !== undefined)
    throw new PlanError(
      "passes",
      input,
      "view shows one-pass plans; use scan --preview and simulate (docs/passes.md)",
    );
  const area = createArea(plan.area, baseDir);
  // As `scan` builds it (an aiming beam's time included), so the page matches the plan's scan file.
  const { scan, passSpots } = buildTreatment(plan, area);
  return { plan, area, scan, spots: passSpots[0], pulses: plan.pulse.stack, fromScanFile: false };
}

/** Read a map file given on the command line and check it fits the plan's raster. */
async function readPlanMap(path: string, flag: string, plan: ResolvedPlan, area: Area): Promise<Raster> {
  const { readMap } = await import("../../io/maps.js");
  const { rasterSize } = await import("../../dose/splat.js");
  const pixelUm = plan.raster.pixelUm;
  const raster = await readMap(path, pixelUm, [area.minX, area.minY]);
  const want = rasterSize(area, pixelUm);
  if (want.width !== raster.width || want.height !== raster.height)
    throw new PlanError(
      flag,
      path,
      `the map is ${raster.width} × ${raster.height} pixels but the plan's area at ${pixelUm} µm gives ${want.width} × ${want.height}; give the plan or scan file the map came from (and its --pixel-um)`,
    );
  return raster;
}

/** Build the page for `input` (the library behind `laserscan view`); returns the HTML and its data summary. */
export async function buildViewPage(
  input: string,
  opts: {
    depth?: string;
    coag?: string;
    threads?: number;
    overrides?: Record<string, unknown>;
    /** Refuse a simulation estimated above this much work (guard/work.ts); default no limit. */
    maxWork?: number;
    /**
     * Compute the bulk temperature rise each spot meets when it fires, as `scan --heat --bulk-rise`
     * does (docs/bulk-heating.md), when the input does not carry it (a plan, or a scan file
     * written without it); the page can then colour the spots by it.
     */
    bulkRise?: boolean;
    /** Warning level of the bulk rise, K, for the report's count of spots above it (default 10). */
    maxBulkRiseC?: number;
  },
): Promise<{ html: string; spots: number; mapWidth: number; mapHeight: number; factor: number }> {
  const t = await loadTreatment(input, opts.overrides ?? {});
  const { plan, area, scan } = t;
  if (opts.maxWork !== undefined) {
    const { checkWork, simulateWork } = await import("../../guard/work.js");
    let pulses = 0;
    if (typeof t.pulses === "number") pulses = t.pulses;
    else for (let i = 0; i < t.pulses.length; i++) if (t.pulses[i] > pulses) pulses = t.pulses[i];
    checkWork(simulateWork(plan, area, t.spots.count, pulses), opts.maxWork, "this simulation");
  }
  const [{ doseModel }, { scanSummary, simulateSpots }, { closeWorkers }, heat] = await Promise.all([
    import("../../dose/ablation.js"),
    import("../../dose/simulate.js"),
    import("../../dose/splat.js"),
    import("../../heat/bulk-rise.js"),
  ]);
  // The bulk rise: the scan file's own, or computed as `scan --heat --bulk-rise` does (and
  // rounded as its scan file writes it, so a plan's page and its scan file's page agree).
  const warnK = opts.maxBulkRiseC ?? heat.parseMaxBulkRise(undefined); // the flag not given: the default level
  let tempRiseC = t.tempRiseC;
  if (!tempRiseC && (opts.bulkRise || opts.maxBulkRiseC !== undefined)) {
    const { roundTo, TEMP_RESOLUTION_K } = await import("../../io/scanfile.js");
    tempRiseC = heat.scanBulkRise(plan, scan, warnK).perSpot;
    for (let i = 0; i < tempRiseC.length; i++) tempRiseC[i] = roundTo(tempRiseC[i], TEMP_RESOLUTION_K);
  }
  let bulk: ScanBulkRise | undefined;
  if (tempRiseC) {
    const stats = heat.bulkRiseStats(tempRiseC, warnK);
    bulk = { perSpot: tempRiseC, stats, warning: heat.bulkRiseWarning(stats, tempRiseC.length, warnK) };
  }
  const summary = scanSummary(scan, bulk);
  const model = doseModel(plan);
  const ablative = model.kind === "ablative";
  let depth: Raster | undefined;
  let coag: Raster | undefined;
  let report: Report;
  const kind = t.fromScanFile ? "scan file" : "plan";
  let source: string;
  try {
    if (opts.depth !== undefined) {
      depth = await readPlanMap(opts.depth, "--depth", plan, area);
      if (opts.coag !== undefined) coag = await readPlanMap(opts.coag, "--coag", plan, area);
      // The report's numbers: a stats-only simulation of the same spots (no raster kept).
      const sim = await simulateSpots(
        { plan, area, spots: t.spots, pulses: t.pulses, scan: summary },
        { keepDepth: false, threads: opts.threads },
      );
      report = sim.report;
      source = `${kind} ${input} · depth map ${opts.depth}${opts.coag ? ` · coagulation map ${opts.coag}` : ""} · report simulated`;
    } else {
      const sim = await simulateSpots(
        { plan, area, spots: t.spots, pulses: t.pulses, scan: summary },
        { keepDepth: true, keepCoag: !ablative || opts.coag !== undefined, threads: opts.threads },
      );
      depth = sim.depth as Raster;
      coag = ablative ? undefined : sim.coag;
      if (opts.coag !== undefined) coag = await readPlanMap(opts.coag, "--coag", plan, area);
      report = sim.report;
      source = `${kind} ${input} · simulated`;
    }
  } finally {
    await closeWorkers();
  }
  const { buildViewData, viewHtml } = await import("../../view/build.js");
  const data = buildViewData({
    plan,
    area,
    scan: tempRiseC ? { ...scan, tempRiseC } : scan,
    ...(tempRiseC ? { maxBulkRiseC: warnK } : {}),
    depth,
    coag,
    coagOffsetUm: ablative && !coag ? model.coagulationUm : undefined,
    coagFirst: !ablative,
    report,
    source,
  });
  return {
    html: viewHtml(data),
    spots: data.spots.count,
    mapWidth: data.map.width,
    mapHeight: data.map.height,
    factor: data.map.factor,
  };
}

/** Parse `--section x0,y0,x1,y1` (mm). */
export function parseSection(text: string): [number, number, number, number] {
  const parts = text.split(",").map((s) => s.trim());
  const v = parts.map(Number);
  if (parts.length !== 4 || parts.some((p) => p === "") || !v.every(Number.isFinite))
    throw new PlanError(
      "--section",
      text,
      "allowed: x0,y0,x1,y1 in mm (four numbers, plan coordinates, y up)",
    );
  if (v[0] === v[2] && v[1] === v[3])
    throw new PlanError("--section", text, "allowed: two different end points x0,y0,x1,y1 (mm)");
  return [v[0], v[1], v[2], v[3]];
}

/** `render <depth> --section x0,y0,x1,y1 [--plan p] -o section.png` (called by render). */
export async function runSectionCommand(
  input: string,
  opts: {
    section: string;
    output?: string;
    plan?: string;
    pixelUm?: number;
    coagMap?: string;
    json?: boolean;
  },
): Promise<void> {
  const line = parseSection(opts.section);
  const out = opts.output;
  if (out === undefined)
    throw new PlanError("--output", undefined, "required with --section: -o section.png");
  if (out === "-") checkWritable(out, "--output"); // refused: a binary output
  if (extname(out).toLowerCase() !== ".png")
    throw new PlanError("--output", out, "allowed: a file ending in .png");
  checkWritable(out, "--output");
  const { readMap } = await import("../../io/maps.js");
  let plan: ResolvedPlan | undefined;
  let area: Area | undefined;
  if (opts.plan !== undefined) {
    const { loadPlan } = await import("../../plan/load.js");
    const { createArea } = await import("../../area/index.js");
    const loaded = loadPlan(opts.plan, opts.pixelUm === undefined ? {} : { "raster.pixelUm": opts.pixelUm });
    plan = loaded.plan;
    area = createArea(plan.area, loaded.baseDir);
  }
  const { DEFAULT_PIXEL_UM } = await import("../../plan/schema.js");
  const pixelUm = plan?.raster.pixelUm ?? opts.pixelUm ?? DEFAULT_PIXEL_UM;
  const origin: [number, number] = area ? [area.minX, area.minY] : [0, 0];
  const depth =
    plan && area ? await readPlanMap(input, "<depth>", plan, area) : await readMap(input, pixelUm, origin);
  const { renderSection, sectionSkin } = await import("../../render/section.js");
  let coagOffsetUm: number | undefined;
  let coag: Raster | undefined;
  if (opts.coagMap !== undefined)
    coag =
      plan && area
        ? await readPlanMap(opts.coagMap, "--coag-map", plan, area)
        : await readMap(opts.coagMap, pixelUm, origin);
  else if (plan) {
    const model = (await import("../../dose/ablation.js")).doseModel(plan);
    if (model.kind === "ablative") coagOffsetUm = model.coagulationUm;
  }
  const title = plan ? (await import("../../render/title.js")).planTitle(plan) : undefined;
  const { png, profile } = renderSection(depth, line, {
    coag,
    coagOffsetUm,
    skin: plan ? sectionSkin(plan) : undefined,
    title,
  });
  writeFileAtomic(out, png);
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify(
        {
          section: out,
          fromMm: [line[0], line[1]],
          toMm: [line[2], line[3]],
          lengthMm: profile.lengthMm,
          samples: profile.sMm.length,
          maxDepthUm: profile.maxDepthUm,
          pixelUm,
        },
        null,
        2,
      )}\n`,
    );
}

/** Add `--section` and `-o` to `render` (the one call render makes). */
export function addSectionOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--section <x0,y0,x1,y1>",
        "draw the depth profile along this line (mm, plan coordinates) instead of a heatmap; with -o",
      ).argParser((v) => {
        parseSection(v);
        return v;
      }),
    )
    .option("-o, --output <file.png>", "the section picture (PNG), with --section")
    .option(
      "--coag-map <file>",
      "a coagulation map (.npy or .png) to draw under the craters, with --section",
    );
}

/** Register `view`. */
export function register(program: Command): void {
  const cmd = program
    .command("view")
    .description(
      "write one self-contained HTML page to explore a plan or scan file: depth map, firing order, cross-sections",
    )
    .argument("<plan>", "plan file, named plan, or scan file (.json)")
    .addOption(
      new Option("-o, --output <file.html>", "the page to write (HTML)")
        .makeOptionMandatory()
        .argParser(htmlPath),
    )
    .addOption(
      new Option(
        "--depth <file>",
        "show this depth map (.npy or 16-bit .png) instead of simulating",
      ).argParser(mapPath("--depth")),
    )
    .addOption(
      new Option("--coag <file>", "show this coagulation map (.npy or .png)").argParser(mapPath("--coag")),
    )
    .option("--threads <n>", "threads for the simulation (default: all cores for big rasters)")
    .option(
      "--bulk-rise",
      "also compute the bulk temperature rise each spot meets when it fires, K, to colour the spots by and report (a scan file's own tempRiseC is used as it is; slower)",
    )
    .option(
      "--max-bulk-rise-c <K>",
      "warn (with their count) when spots meet a bulk temperature rise above this when they fire, K (default 10; implies --bulk-rise)",
    )
    .option("--json", "print what was written as JSON");
  addMaxWorkOption(cmd);
  addPlanOptions(cmd);
  cmd.action(async (input: string, opts: ViewCliOptions) => {
    const threads = opts.threads === undefined ? undefined : parseThreadsFlag(opts.threads);
    const maxWork = maxWorkFrom(opts);
    const maxBulkRiseC =
      opts.maxBulkRiseC === undefined
        ? undefined
        : (await import("../../heat/bulk-rise.js")).parseMaxBulkRise(opts.maxBulkRiseC);
    if (opts.json) claimStdout("--json");
    const page = await buildViewPage(input, {
      depth: opts.depth,
      coag: opts.coag,
      threads,
      overrides: overridesFromOptions(opts as Record<string, unknown>),
      maxWork,
      bulkRise: opts.bulkRise === true,
      maxBulkRiseC,
    });
    writeFileAtomic(opts.output, page.html);
    const bytes = Buffer.byteLength(page.html);
    if (opts.json)
      process.stdout.write(
        `${JSON.stringify(
          {
            view: opts.output,
            bytes,
            spots: page.spots,
            mapWidth: page.mapWidth,
            mapHeight: page.mapHeight,
            rasterPixelsPerMapPixel: page.factor,
          },
          null,
          2,
        )}\n`,
      );
    else
      summaryStream().write(
        `wrote ${opts.output} (${(bytes / 1e6).toFixed(1)} MB, ${page.spots} spots, map ${page.mapWidth} × ${page.mapHeight} px${page.factor > 1 ? `, reduced ${page.factor}× (max)` : ""})\n`,
      );
  });
}
