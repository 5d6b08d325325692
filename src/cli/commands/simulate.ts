/**
 * `laserscan simulate <plan|preset|scan.json>`: depth and coagulation maps, the report as a
 * table or JSON, and the map files (.npy / 16-bit .png). The work is done by
 * dose/simulate-file.ts; this command checks its flags, runs it and writes what was asked for.
 */
import type { Command } from "commander";
import type { SimulateRun } from "../../dose/simulate-file.js";
import { closeWorkers, DEFAULT_MAX_MEMORY_MB, prestartWorkers, timingMark } from "../../dose/splat.js";
import { PlanError } from "../../errors.js";
import { parseDecimal } from "../../guard/number.js";
import { checkWritable, claimStdout, summaryStream, writeFileAtomic } from "../../io/atomic.js";
import { checkMapPath } from "../../io/maps.js";
import {
  addMaxWorkOption,
  addPlanOptions,
  maxWorkFrom,
  overridesFromOptions,
  parseNumberFlag,
  parseThreadsFlag,
} from "../options.js";

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
  threads?: string;
  /** Compute the bulk temperature rise (report heat.maxC / p95C / meanC). */
  bulkRise?: boolean;
  /** Warning level of the bulk temperature rise, K (default 10); implies --bulk-rise. */
  maxBulkRiseC?: string;
  /** Added with the heatmap flags (--heatmap f.png): it needs the depth raster kept. */
  heatmap?: string;
  [override: string]: unknown;
}

/** Parse `--contours 30,150` into depths, µm. */
export function parseContours(text: string | undefined, flag = "--contours"): number[] {
  if (text === undefined) return [];
  const parts = text.split(",").map((s) => s.trim());
  return parts.map((p) => {
    const v = parseDecimal(p) ?? Number.NaN;
    if (p === "" || !Number.isFinite(v) || v <= 0)
      throw new PlanError(flag, text, "allowed: comma-separated depths in µm > 0, e.g. 30,150");
    return v;
  });
}

/** Check the flags, start the worker threads, then load the input and simulate it. */
export async function runSimulate(input: string, opts: SimulateCliOptions): Promise<SimulateRun> {
  const contours = parseContours(opts.contours);
  const maxMemoryMb =
    opts.maxMemoryMb === undefined
      ? DEFAULT_MAX_MEMORY_MB
      : parseNumberFlag("max-memory-mb", opts.maxMemoryMb);
  if (!(maxMemoryMb > 0)) throw new PlanError("--max-memory-mb", maxMemoryMb, "allowed: a number > 0");
  const threads = opts.threads === undefined ? undefined : parseThreadsFlag(opts.threads);
  const maxWork = maxWorkFrom(opts);
  await checkMapPath(opts.depth, "--depth");
  await checkMapPath(opts.coag, "--coag");
  if (opts.report !== undefined) checkWritable(opts.report, "--report", { stdout: true });
  if (opts.json) claimStdout("--json");
  const bulkRise = opts.bulkRise === true || opts.maxBulkRiseC !== undefined;
  const maxBulkRiseC = bulkRise
    ? (await import("../../heat/bulk-rise.js")).parseMaxBulkRise(opts.maxBulkRiseC)
    : undefined;
  if (threads !== undefined && threads > 1) prestartWorkers(threads - 1);
  const { simulateFile } = await import("../../dose/simulate-file.js");
  return simulateFile(input, {
    overrides: overridesFromOptions(opts as Record<string, unknown>),
    threads,
    keepDepth: opts.depth !== undefined || opts.heatmap !== undefined,
    keepCoag: opts.coag !== undefined || opts.coagHeatmap !== undefined,
    contours,
    maxMemoryMb,
    maxWork,
    bulkRise,
    maxBulkRiseC,
    streamMaps: async (plan, area) =>
      (await import("../../io/maps.js")).zarrStreams(
        {
          depth: opts.depth,
          coag: opts.coag,
          heatmaps: opts.heatmap !== undefined || opts.coagHeatmap !== undefined,
        },
        plan,
        area,
      ),
  });
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
    .description("simulate ablation depth and coagulation of a plan or scan file; print the report")
    .argument("<plan>", "plan file, named plan, or scan file (.json)")
    .option(
      "--depth <file>",
      "write the depth map: .npy (float32), .png (16-bit, scale in tEXt umPerCount) or .zarr (OME-Zarr pyramid)",
    )
    .option("--coag <file>", "write the coagulation map: .npy, .png or .zarr")
    .option("--report <file>", "write the report as JSON")
    .option("--json", "print the report as JSON on stdout")
    .option("--contours <um,...>", "iso-depth levels, µm, whose area fractions are reported (e.g. 30,150)")
    .option(
      "--max-memory-mb <n>",
      `refuse runs whose rasters need more memory, MB (default ${DEFAULT_MAX_MEMORY_MB})`,
    )
    .option("--threads <n>", "threads (default: all cores for big rasters)")
    .option(
      "--bulk-rise",
      "also compute the bulk temperature rise each spot meets when it fires, K (report heat.maxC / p95C / meanC; slower)",
    )
    .option(
      "--max-bulk-rise-c <K>",
      "warn (with their count) when spots meet a bulk temperature rise above this when they fire, K (default 10; implies --bulk-rise)",
    );
  addMaxWorkOption(cmd);
  addPlanOptions(cmd);
  const known = knownFlags(cmd);
  const args = process.argv.slice(2);
  if (full || args.some((a) => a.startsWith("-") && a !== "-" && !known.has(a.split("=")[0])))
    (await import("../heatmap-flags.js")).addSimulateHeatmapOptions(cmd);
  cmd.action(async (input: string, opts: SimulateCliOptions) => {
    // A progress bar with ETA on a terminal for long runs (shown after a moment, never on a pipe).
    const bar =
      process.stderr.isTTY && !opts.json
        ? (await import("../../render/progress.js")).createProgress("simulate")
        : undefined;
    const { setBandProgress } = await import("../../dose/bands.js");
    if (bar) setBandProgress((f) => bar.update(f));
    try {
      const { sim, plan, area } = await runSimulate(input, opts);
      setBandProgress(undefined);
      bar?.stop();
      timingMark("simulated");
      if (opts.depth !== undefined || opts.coag !== undefined) {
        const { writeMap } = await import("../../io/maps.js");
        if (opts.depth !== undefined && sim.depth) await writeMap(opts.depth, sim.depth);
        if (opts.coag !== undefined && sim.coag) await writeMap(opts.coag, sim.coag, "coagulation");
      }
      if (opts.heatmap !== undefined || opts.coagHeatmap !== undefined) {
        const { heatmapOptionsFromCli } = await import("../heatmap-flags.js");
        const { writeSimulationHeatmaps } = await import("../../render/write.js");
        await writeSimulationHeatmaps(
          { sim, plan, area },
          { depth: opts.heatmap, coag: opts.coagHeatmap as string | undefined },
          heatmapOptionsFromCli(opts),
          opts.json === true,
        );
      }
      const json = `${JSON.stringify(sim.report, null, 2)}\n`;
      if (opts.report !== undefined) writeFileAtomic(opts.report, json);
      if (opts.json) process.stdout.write(json);
      else {
        const { formatReport } = await import("../../dose/report.js");
        summaryStream().write(formatReport(sim.report, `${plan.name}: ${plan.laser.name}`));
      }
      timingMark("written");
    } finally {
      await closeWorkers();
    }
  });
}
