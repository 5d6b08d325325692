/**
 * `laserscan sweep <plan|preset> --vary key=v1,v2,... [--vary ...] [--csv f] [--chart f.png]
 * [--metric m] [--shard K/N] [--json]` and `laserscan sweep --merge a.csv b.csv ... --csv all.csv`
 * compares settings over the cross product of varied plan keys.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { closeWorkers } from "../../dose/splat.js";
import { PlanError } from "../../errors.js";
import { checkWritable, claimStdout, noteInput, summaryStream, writeFileAtomic } from "../../io/atomic.js";
import { loadPlan } from "../../plan/load.js";
import { createProgress } from "../../render/progress.js";
import { sweepChartPng } from "../../sweep/chart.js";
import { type CsvTable, mergeSweepCsv, sweepCsv } from "../../sweep/csv.js";
import {
  checkMetric,
  DEFAULT_METRIC,
  formatSweepTable,
  isBulkRiseMetric,
  parseShard,
  parseVary,
  prepareSweep,
  runSweep,
  shardIndices,
  sweepJson,
  sweepTable,
} from "../../sweep/index.js";
import {
  addMaxWorkOption,
  addPlanOptions,
  maxWorkFrom,
  overridesFromOptions,
  parseNumberFlag,
  parseThreadsFlag,
} from "../options.js";
import { checkSweepWork } from "../work-check.js";

interface SweepCliOptions {
  vary?: string[];
  csv?: string;
  chart?: string;
  metric?: string;
  shard?: string;
  merge?: string[];
  json?: boolean;
  maxMemoryMb?: string;
  threads?: string;
  bulkRise?: boolean;
  [override: string]: unknown;
}

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

function checkChartPath(path: string | undefined): void {
  if (path === undefined) return;
  if (path === "-") checkWritable(path, "--chart"); // refused: a binary output
  if (!path.toLowerCase().endsWith(".png"))
    throw new PlanError("--chart", path, "allowed: a file ending in .png");
  checkWritable(path, "--chart");
}

function writeChart(
  path: string,
  table: CsvTable,
  keyCount: number,
  metric: string,
  title: string,
  subtitle: string,
): void {
  writeFileAtomic(path, sweepChartPng({ table, keyCount, metric, title, subtitle }));
}

/** Rows of a merged CSV as JSON objects (warnings split back into a list). */
function tableJson(table: CsvTable): Record<string, unknown>[] {
  return table.rows.map((r, variant) => {
    const o: Record<string, unknown> = { variant };
    table.columns.forEach((col, i) => {
      o[col] =
        col === "warnings"
          ? typeof r[i] === "string" && r[i] !== ""
            ? String(r[i]).split(" | ")
            : []
          : r[i];
    });
    return o;
  });
}

async function runMerge(input: string | undefined, opts: SweepCliOptions): Promise<void> {
  if (input !== undefined)
    throw new PlanError("sweep", input, "allowed: either a plan to sweep or --merge shard CSVs, not both");
  if (opts.vary?.length || opts.shard !== undefined)
    throw new PlanError(
      "--merge",
      opts.merge?.join(" "),
      "allowed without --vary and --shard (the shards carry them)",
    );
  if (opts.csv !== undefined) checkWritable(opts.csv, "--csv", { stdout: true });
  checkChartPath(opts.chart);
  if (opts.json) claimStdout("--json");
  const metric = opts.metric ?? DEFAULT_METRIC;
  checkMetric(metric);
  const files = (opts.merge ?? []).map((name) => {
    noteInput(name, "--merge");
    let text: string;
    try {
      text = readFileSync(name, "utf8");
    } catch (e) {
      throw new PlanError(
        "--merge",
        name,
        `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    return { name, text };
  });
  const merged = mergeSweepCsv(files);
  const keyCount = merged.table.columns.indexOf("spots");
  if (keyCount < 1)
    throw new PlanError("--merge", files[0].name, "allowed: sweep shard CSVs (varied keys, then spots, ...)");
  if (opts.csv !== undefined) writeFileAtomic(opts.csv, merged.csv);
  if (opts.chart !== undefined)
    writeChart(
      opts.chart,
      merged.table,
      keyCount,
      metric,
      `sweep of ${merged.total} variants (merged from ${files.length} shards)`,
      `${metric} by ${merged.table.columns.slice(0, keyCount).join(" × ")}`,
    );
  if (opts.json) process.stdout.write(`${JSON.stringify(tableJson(merged.table), null, 2)}\n`);
  else summaryStream().write(formatSweepTable(merged.table, keyCount));
}

/** Register `sweep`. */
export function register(program: Command): void {
  const cmd = program
    .command("sweep")
    .description("simulate the cross product of varied plan keys and compare depth, coverage, heat and time")
    .argument("[plan]", "plan file or named plan")
    .option(
      "--vary <key=v1,v2,...>",
      "a dotted plan key and its values (repeatable; first is outermost)",
      collect,
    )
    .option("--csv <file>", "write the rows as CSV (varied keys, then the report values)")
    .option("--chart <file.png>", "write a line chart of --metric against the first varied key")
    .option("--metric <name>", `metric for the chart (default ${DEFAULT_METRIC})`)
    .option(
      "--shard <K/N>",
      "run only shard K of N (every N-th variant from K−1; K is 1-based: with a Slurm array --array=0-(N−1), $((SLURM_ARRAY_TASK_ID + 1))/N)",
    )
    .option("--merge <files...>", "join shard CSVs back into one sweep (with --csv all.csv)")
    .option("--json", "print the rows as JSON on stdout")
    .option("--max-memory-mb <n>", "refuse runs whose rasters need more memory, MB")
    .option("--threads <n>", "variants simulated at once (default: the cores; 1 = no worker threads)")
    .option(
      "--bulk-rise",
      "also compute each variant's bulk temperature rise, K (heat.maxC / p95C / meanC; slower; on with a heat.*C --metric)",
    );
  addMaxWorkOption(cmd);
  addPlanOptions(cmd);
  cmd.action(async (input: string | undefined, opts: SweepCliOptions) => {
    if (opts.merge !== undefined) return runMerge(input, opts);
    if (input === undefined)
      throw new PlanError("plan", undefined, "required: a plan file or named plan (or --merge shard CSVs)");
    const specs = (opts.vary ?? []).map(parseVary);
    const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
    const metric = opts.metric ?? DEFAULT_METRIC;
    checkMetric(metric);
    const maxMemoryMb =
      opts.maxMemoryMb === undefined ? undefined : parseNumberFlag("max-memory-mb", opts.maxMemoryMb);
    if (maxMemoryMb !== undefined && !(maxMemoryMb > 0))
      throw new PlanError("--max-memory-mb", maxMemoryMb, "allowed: a number > 0");
    const threads = opts.threads === undefined ? undefined : parseThreadsFlag(opts.threads);
    if (opts.csv !== undefined) checkWritable(opts.csv, "--csv", { stdout: true });
    checkChartPath(opts.chart);
    if (opts.json) claimStdout("--json");
    // Each variant's pulse is checked by prepareSweep: the base plan's own need not ablate.
    const { plan, baseDir } = loadPlan(input, overridesFromOptions(opts as Record<string, unknown>), {
      dose: false,
    });
    const maxWork = maxWorkFrom(opts);
    checkSweepWork(plan, baseDir, specs, shard, maxWork); // before any variant is prepared
    const sweep = prepareSweep(plan, baseDir, specs, { shard, maxMemoryMb });
    checkSweepWork(plan, baseDir, sweep.variants, shard, maxWork);
    const progress = createProgress(`sweep ${sweep.variants.length} variants`, { json: opts.json === true });
    let rows: Awaited<ReturnType<typeof runSweep>>;
    try {
      rows = await runSweep(sweep, {
        concurrency: threads,
        bulkRise: opts.bulkRise === true || isBulkRiseMetric(metric),
        onProgress: (done, total) => progress.update(done / total),
      });
    } finally {
      progress.stop();
      await closeWorkers();
    }
    const table = sweepTable(sweep.keys, rows);
    if (opts.csv !== undefined)
      writeFileAtomic(
        opts.csv,
        sweepCsv(
          table,
          shard ? { variants: shardIndices(sweep.total, shard), total: sweep.total } : undefined,
        ),
      );
    if (opts.chart !== undefined)
      writeChart(
        opts.chart,
        table,
        sweep.keys.length,
        metric,
        `${sweep.name}: ${metric} by ${sweep.keys.join(" × ")}${shard ? ` (shard ${shard.k}/${shard.n})` : ""}`,
        `${plan.laser.name}, ${plan.spot.diameterUm} µm ${plan.spot.profile} spot, ${plan.pulse.energyMj !== undefined ? `${plan.pulse.energyMj} mJ` : `${plan.pulse.fluenceJcm2} J/cm²`} × ${plan.pulse.stack}, ${plan.pattern.lattice} lattice; ${sweep.total} variants`,
      );
    if (opts.json) process.stdout.write(`${JSON.stringify(sweepJson(sweep.keys, rows), null, 2)}\n`);
    else summaryStream().write(formatSweepTable(table, sweep.keys.length));
  });
}
