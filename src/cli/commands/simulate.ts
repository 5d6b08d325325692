/**
 * `laserscan simulate <plan|preset|scan.json>` (SPEC §6): depth and coagulation maps, the
 * report (SPEC §5) as a table or JSON, and the map files (.npy / 16-bit .png).
 */
import { extname } from "node:path";
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import type { Area } from "../../area/types.js";
import type { Raster } from "../../dose/raster.js";
import { formatReport } from "../../dose/report.js";
import { type Simulation, scanSummary, simulateSpots } from "../../dose/simulate.js";
import {
  closeWorkers,
  DEFAULT_MAX_MEMORY_MB,
  prestartWorkers,
  rasterSize,
  threadsFor,
} from "../../dose/splat.js";
import { PlanError } from "../../errors.js";
import { checkWritable, writeFileAtomic } from "../../io/atomic.js";
import { writeNpy } from "../../io/npy.js";
import { writeDepthPng } from "../../io/png16.js";
import { generatePattern } from "../../pattern/index.js";
import { loadPlan } from "../../plan/load.js";
import type { ResolvedPlan } from "../../plan/schema.js";
import { buildScan } from "../../sequence/index.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";

/** Options of `simulate` as commander parses them. */
export interface SimulateCliOptions {
  depth?: string;
  coag?: string;
  report?: string;
  json?: boolean;
  contours?: string;
  maxMemoryMb?: string;
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
export function writeMap(path: string, r: Raster): void {
  if (extname(path).toLowerCase() === ".png") writeDepthPng(path, r);
  else writeNpy(path, r);
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

  const overrides = overridesFromOptions(opts as Record<string, unknown>);
  const { plan, baseDir } = loadPlan(input, overrides);
  const area = createArea(plan.area, baseDir);
  // Start the workers now: they boot while the pattern and the firing order are computed.
  const { width, height } = rasterSize(area, plan.raster.pixelUm);
  const nThreads = threadsFor(width * height, threads);
  if (nThreads > 1) prestartWorkers(nThreads - 1);
  const spots = generatePattern(plan, area);
  const sim = await simulateSpots(
    { plan, area, spots, pulses: plan.pulse.stack, scan: () => scanSummary(buildScan(plan, area, spots)) },
    {
      threads: nThreads,
      keepDepth: opts.depth !== undefined || opts.heatmap !== undefined,
      keepCoag: opts.coag !== undefined,
      contours,
      maxMemoryMb,
    },
  );
  return { sim, plan, area };
}

/** Register `simulate`. */
export function register(program: Command): void {
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
    .option("--threads <n>", "threads (default: all cores for big rasters)");
  addPlanOptions(cmd);
  cmd.action(async (input: string, opts: SimulateCliOptions) => {
    try {
      const { sim, plan } = await runSimulate(input, opts);
      if (opts.depth !== undefined && sim.depth) writeMap(opts.depth, sim.depth);
      if (opts.coag !== undefined && sim.coag) writeMap(opts.coag, sim.coag);
      // (render's --heatmap writes sim.depth here.)
      const json = `${JSON.stringify(sim.report, null, 2)}\n`;
      if (opts.report !== undefined) writeFileAtomic(opts.report, json);
      if (opts.json) process.stdout.write(json);
      else process.stdout.write(formatReport(sim.report, `${plan.name}: ${plan.laser.name}`));
    } finally {
      await closeWorkers();
    }
  });
}
