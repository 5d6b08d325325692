/**
 * `laserscan simulate <plan|preset|scan.json>` (SPEC §6): depth and coagulation maps, the
 * report (SPEC §5) as a table or JSON, and the map files (.npy / 16-bit .png).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
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
import { readScanFile } from "../../io/scanfile.js";
import { generatePattern } from "../../pattern/index.js";
import { loadPlan, resolvePlan } from "../../plan/load.js";
import type { ResolvedPlan } from "../../plan/schema.js";
import { buildScan } from "../../sequence/index.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";
import { addSimulateHeatmapOptions, writeSimulationHeatmaps } from "./render.js";

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

  const overrides = overridesFromOptions(opts as Record<string, unknown>);
  const keep = {
    threads: 1,
    keepDepth: opts.depth !== undefined || opts.heatmap !== undefined,
    keepCoag: opts.coag !== undefined || opts.coagHeatmap !== undefined,
    contours,
    maxMemoryMb,
  };
  if (isScanFile(input)) {
    // Simulate exactly the file's spots and pulses; its stats give heat, path and time.
    for (const key of Object.keys(overrides))
      if (!SCAN_OVERRIDABLE.includes(key))
        throw new PlanError(
          key,
          overrides[key],
          `a scan file's spots are fixed; allowed overrides: ${SCAN_OVERRIDABLE.join(", ")}`,
        );
    const file = readScanFile(input);
    const plan = Object.keys(overrides).length
      ? resolvePlan(file.plan, dirname(resolve(input)), overrides)
      : file.plan;
    const { width, height } = rasterSize(file.area, plan.raster.pixelUm);
    keep.threads = threadsFor(width * height, threads);
    const sim = await simulateSpots(
      { plan, area: file.area, spots: file.spots, pulses: file.scan.pulses, scan: scanSummary(file.scan) },
      keep,
    );
    return { sim, plan, area: file.area };
  }
  const { plan, baseDir } = loadPlan(input, overrides);
  const area = createArea(plan.area, baseDir);
  // Start the workers now: they boot while the pattern and the firing order are computed.
  const { width, height } = rasterSize(area, plan.raster.pixelUm);
  keep.threads = threadsFor(width * height, threads);
  if (keep.threads > 1) prestartWorkers(keep.threads - 1);
  const spots = generatePattern(plan, area);
  const sim = await simulateSpots(
    { plan, area, spots, pulses: plan.pulse.stack, scan: () => scanSummary(buildScan(plan, area, spots)) },
    keep,
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
  addSimulateHeatmapOptions(cmd);
  cmd.action(async (input: string, opts: SimulateCliOptions) => {
    try {
      const { sim, plan, area } = await runSimulate(input, opts);
      if (opts.depth !== undefined && sim.depth) writeMap(opts.depth, sim.depth);
      if (opts.coag !== undefined && sim.coag) writeMap(opts.coag, sim.coag);
      writeSimulationHeatmaps({ sim, plan, area }, opts);
      const json = `${JSON.stringify(sim.report, null, 2)}\n`;
      if (opts.report !== undefined) writeFileAtomic(opts.report, json);
      if (opts.json) process.stdout.write(json);
      else process.stdout.write(formatReport(sim.report, `${plan.name}: ${plan.laser.name}`));
    } finally {
      await closeWorkers();
    }
  });
}
