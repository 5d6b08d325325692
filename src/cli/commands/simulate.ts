/**
 * `laserscan simulate <plan|preset|scan.json>` (SPEC §6): depth and coagulation maps, the
 * report (SPEC §5) as a table or JSON, and the map files (.npy / 16-bit .png).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import type { Command } from "commander";
import type { Area } from "../../area/types.js";
import type { Raster } from "../../dose/raster.js";
import type { Simulation } from "../../dose/simulate.js";
import { closeWorkers, DEFAULT_MAX_MEMORY_MB, prestartWorkers, timingMark } from "../../dose/splat.js";
import { PlanError } from "../../errors.js";
import { checkWritable, writeFileAtomic } from "../../io/atomic.js";
import type { ResolvedPlan } from "../../plan/schema.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";

// The simulation modules (plan schema, pattern, sequence, dose, IO) are imported when the
// command runs, the renderer only when a heatmap is asked for: `simulate --help` and the
// option parsing stay light, and the worker threads (started first) boot meanwhile.

/** Options of `simulate` as commander parses them. */
export interface SimulateCliOptions {
  depth?: string;
  coag?: string;
  report?: string;
  json?: boolean;
  contours?: string;
  maxMemoryMb?: string;
  /** Warning level of the bulk temperature rise, K (default 10). */
  maxBulkRiseC?: string;
  threads?: string;
  /** Added by `render` (--heatmap f.png): it needs the depth raster kept. */
  heatmap?: string;
  [override: string]: unknown;
}

/** A finished simulation with what it was made of (the heatmap writer needs plan and area). */
export interface SimulateRun {
  sim: Simulation;
  plan: ResolvedPlan;
  area: Area;
}

/** Parse `--contours 30,150` into depths, µm. */
export function parseContours(text: string | undefined, flag = "--contours"): number[] {
  if (text === undefined) return [];
  const parts = text.split(",").map((s) => s.trim());
  return parts.map((p) => {
    const v = Number(p);
    if (p === "" || !Number.isFinite(v) || v <= 0)
      throw new PlanError(flag, text, "allowed: comma-separated depths in µm > 0, e.g. 30,150");
    return v;
  });
}

function checkMapPath(path: string | undefined, flag: string): void {
  if (path === undefined) return;
  const ext = extname(path).toLowerCase();
  if (ext !== ".npy" && ext !== ".png")
    throw new PlanError(flag, path, "allowed: a file ending in .npy or .png");
  checkWritable(path, flag);
}

/** Write a raster map as .npy or 16-bit .png by the file's extension. */
export async function writeMap(path: string, r: Raster): Promise<void> {
  if (extname(path).toLowerCase() === ".png") (await import("../../io/png16.js")).writeDepthPng(path, r);
  else (await import("../../io/npy.js")).writeNpy(path, r);
}

/** Plan keys a scan file's simulation may override: dose settings only (its spots are fixed). */
const SCAN_OVERRIDABLE = [
  "pulse.energyMj",
  "pulse.fluenceJcm2",
  "spot.diameterUm",
  "spot.profile",
  "raster.pixelUm",
];

/** Is `path` a scan file (SPEC §5 `format: "laserscan-scan"`)? Peeks at its first bytes. */
export function isScanFile(path: string): boolean {
  if (!existsSync(path) || statSync(path).isDirectory()) return false;
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return /"format"\s*:\s*"laserscan-scan"/.test(head.toString("utf8", 0, n));
  } finally {
    closeSync(fd);
  }
}

/** Load the input (a plan or a scan file), simulate it and return the rasters asked for. */
export async function runSimulate(input: string, opts: SimulateCliOptions): Promise<SimulateRun> {
  const contours = parseContours(opts.contours);
  const maxMemoryMb =
    opts.maxMemoryMb === undefined
      ? DEFAULT_MAX_MEMORY_MB
      : parseNumberFlag("max-memory-mb", opts.maxMemoryMb);
  if (!(maxMemoryMb > 0)) throw new PlanError("--max-memory-mb", maxMemoryMb, "allowed: a number > 0");
  const threads = opts.threads === undefined ? undefined : parseNumberFlag("threads", opts.threads, true);
  if (threads !== undefined && threads < 1)
    throw new PlanError("--threads", threads, "allowed: a whole number ≥ 1");
  checkMapPath(opts.depth, "--depth");
  checkMapPath(opts.coag, "--coag");
  if (opts.report !== undefined) checkWritable(opts.report, "--report");
  if (threads !== undefined && threads > 1) prestartWorkers(threads - 1);

  const overrides = overridesFromOptions(opts as Record<string, unknown>);
  const keep = {
    threads: 1,
    keepDepth: opts.depth !== undefined || opts.heatmap !== undefined,
    keepCoag: opts.coag !== undefined || opts.coagHeatmap !== undefined,
    contours,
    maxMemoryMb,
  };
  const [
    { rasterSize, threadsFor },
    { scanSummaryWithBulk, simulateSpots },
    { loadPlan, resolvePlan },
    bulk,
  ] = await Promise.all([
    import("../../dose/splat.js"),
    import("../../dose/simulate.js"),
    import("../../plan/load.js"),
    import("../../heat/bulk-rise.js"),
  ]);
  const warnK = bulk.parseMaxBulkRise(opts.maxBulkRiseC);
  if (isScanFile(input)) {
    // Simulate exactly the file's spots and pulses; its stats give heat, path and time.
    for (const key of Object.keys(overrides))
      if (!SCAN_OVERRIDABLE.includes(key))
        throw new PlanError(
          key,
          overrides[key],
          `a scan file's spots are fixed; allowed overrides: ${SCAN_OVERRIDABLE.join(", ")}`,
        );
    const file = (await import("../../io/scanfile.js")).readScanFile(input);
    const plan = Object.keys(overrides).length
      ? resolvePlan(file.plan, dirname(resolve(input)), overrides)
      : file.plan;
    const { width, height } = rasterSize(file.area, plan.raster.pixelUm);
    keep.threads = threadsFor(width * height, threads);
    const sim = await simulateSpots(
      {
        plan,
        area: file.area,
        spots: file.spots,
        pulses: file.scan.pulses,
        scan: scanSummaryWithBulk(plan, file.scan, warnK),
      },
      keep,
    );
    return { sim, plan, area: file.area };
  }
  const [{ createArea }, { generatePattern }, { buildScan }] = await Promise.all([
    import("../../area/index.js"),
    import("../../pattern/index.js"),
    import("../../sequence/index.js"),
  ]);
  timingMark("modules loaded");
  const { plan, baseDir } = loadPlan(input, overrides);
  const area = createArea(plan.area, baseDir);
  const { width, height } = rasterSize(area, plan.raster.pixelUm);
  keep.threads = threadsFor(width * height, threads);
  const spots = generatePattern(plan, area);
  timingMark(`plan, area and ${spots.count} spots`);
  const sim = await simulateSpots(
    {
      plan,
      area,
      spots,
      pulses: plan.pulse.stack,
      scan: () => {
        const s = scanSummaryWithBulk(plan, buildScan(plan, area, spots, { heatThreads: threads }), warnK);
        timingMark("firing order, timing and heat (main thread)");
        return s;
      },
    },
    keep,
  );
  return { sim, plan, area };
}

/** Simulate's own flags (long and short) before the heatmap options are added. */
function knownFlags(cmd: Command): Set<string> {
  const known = new Set(["--help", "-h", "--verbose", "--version", "-V"]);
  for (const o of cmd.options) {
    if (o.long) known.add(o.long);
    if (o.short) known.add(o.short);
  }
  return known;
}

/**
 * Register `simulate`. The heatmap options (owned by `render`) are added when `full` (help) or
 * when the command line holds a flag simulate itself does not know; otherwise the renderer is
 * not loaded at all.
 */
export async function register(program: Command, full = true): Promise<void> {
  const cmd = program
    .command("simulate")
    .description("simulate ablation depth and coagulation of a plan or scan file; print the report (SPEC §5)")
    .argument("<plan>", "plan file, named plan, or scan file (.json)")
    .option(
      "--depth <file>",
      "write the depth map: .npy (float32) or .png (16-bit, scale in tEXt umPerCount)",
    )
    .option("--coag <file>", "write the coagulation map: .npy or .png")
    .option("--report <file>", "write the report as JSON")
    .option("--json", "print the report as JSON on stdout")
    .option("--contours <um,...>", "iso-depth levels, µm, whose area fractions are reported (e.g. 30,150)")
    .option(
      "--max-memory-mb <n>",
      `refuse runs whose rasters need more memory, MB (default ${DEFAULT_MAX_MEMORY_MB})`,
    )
    .option("--threads <n>", "threads (default: all cores for big rasters)")
    .option(
      "--max-bulk-rise-c <K>",
      "warn (with their count) when spots meet a bulk temperature rise above this when they fire, K (default 10)",
    );
  addPlanOptions(cmd);
  const known = knownFlags(cmd);
  const args = process.argv.slice(2);
  if (full || args.some((a) => a.startsWith("-") && a !== "-" && !known.has(a.split("=")[0])))
    (await import("./render.js")).addSimulateHeatmapOptions(cmd);
  cmd.action(async (input: string, opts: SimulateCliOptions) => {
    try {
      const { sim, plan, area } = await runSimulate(input, opts);
      timingMark("simulated");
      if (opts.depth !== undefined && sim.depth) await writeMap(opts.depth, sim.depth);
      if (opts.coag !== undefined && sim.coag) await writeMap(opts.coag, sim.coag);
      if (opts.heatmap !== undefined || opts.coagHeatmap !== undefined)
        await (await import("./render.js")).writeSimulationHeatmaps({ sim, plan, area }, opts);
      const json = `${JSON.stringify(sim.report, null, 2)}\n`;
      if (opts.report !== undefined) writeFileAtomic(opts.report, json);
      if (opts.json) process.stdout.write(json);
      else {
        const { formatReport } = await import("../../dose/report.js");
        process.stdout.write(formatReport(sim.report, `${plan.name}: ${plan.laser.name}`));
      }
      timingMark("written");
    } finally {
      await closeWorkers();
    }
  });
}
