/**
 * `laserscan scan <plan>`: pattern, stamps, firing order, timing and heat of a plan (SPEC §5,
 * §6); writes the canonical scan file, a CSV and a galvo command list on request.
 */
import { extname } from "node:path";
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import { PlanError } from "../../errors.js";
import { parseMaxBulkRise, scanBulkRise } from "../../heat/bulk-rise.js";
import { checkWritable, writeFileAtomic } from "../../io/atomic.js";
import { scanCsvChunks } from "../../io/csv.js";
import { galvoListChunks } from "../../io/galvo.js";
import { roundTo, type ScanStats, scanFileJson, scanStats, TEMP_RESOLUTION_K } from "../../io/scanfile.js";
import { generatePattern } from "../../pattern/index.js";
import { derive } from "../../plan/derived.js";
import { loadPlan } from "../../plan/load.js";
import { buildScan } from "../../sequence/index.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";
import { addPreviewOptions, writeScanPreview } from "./render.js";

/** The short human table of a scan's stats (with a bulk-rise row when the stats carry it). */
export function statsTable(name: string, order: string, stats: ScanStats): string {
  const rows: [string, string][] = [
    ["plan", `${name} (order ${order})`],
    ["spots", String(stats.spots)],
    ["density", `${+stats.densityPerCm2.toFixed(1)} /cm², coverage ${+(stats.coverage * 100).toFixed(2)} %`],
    ["stamps", String(stats.stamps)],
    ["treatment time", `${+(stats.treatmentMs / 1000).toFixed(3)} s`],
    ["path length", `${+stats.pathLengthMm.toFixed(1)} mm`],
    [
      "heat index",
      `max ${+stats.heat.max.toFixed(4)}, p95 ${+stats.heat.p95.toFixed(4)}, mean ${+stats.heat.mean.toFixed(4)}`,
    ],
  ];
  const h = stats.heat;
  if (h.maxC !== undefined && h.p95C !== undefined && h.meanC !== undefined)
    rows.push([
      "bulk rise",
      `max ${h.maxC.toFixed(2)} K, p95 ${h.p95C.toFixed(2)} K, mean ${h.meanC.toFixed(2)} K`,
    ]);
  let out = rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join("\n");
  for (const w of stats.warnings) out += `\n  warning: ${w}`;
  return `${out}\n`;
}

export function register(program: Command): void {
  addPlanOptions(
    addPreviewOptions(program.command("scan <plan>"))
      .description("generate the spot pattern, firing order and timing of a plan (file or named plan)")
      .option("-o, --output <scan.json>", "write the canonical scan file (SPEC §5)")
      .option("--csv <file.csv>", "write one CSV row per spot: index,xMm,yMm,tMs,stamp,pulses,energyMj")
      .option("--galvo <file.txt>", "write a galvo command list (jump / fire / wait lines)")
      .option("--bits-per-mm <n>", "galvo list positions in 16-bit scanner units (0x8000 = field centre)")
      .option(
        "--heat",
        "add the per-spot heat index and bulk temperature rise (tempRiseC, K) to the scan file and CSV, and their stats",
      )
      .option(
        "--heat-map <file.png>",
        "write a picture of the spots coloured by the bulk temperature rise each meets when it fires (K)",
      )
      .option(
        "--max-bulk-rise-c <K>",
        "warn (with their count) when spots meet a bulk temperature rise above this when they fire, K (default 10)",
      )
      .option("--json", "print only the stats as JSON"),
  ).action(async (planPath: string, opts: Record<string, unknown>) => {
    const output = opts.output as string | undefined;
    const csv = opts.csv as string | undefined;
    const galvo = opts.galvo as string | undefined;
    if (output !== undefined) checkWritable(output, "--output");
    if (csv !== undefined) checkWritable(csv, "--csv");
    if (galvo !== undefined) checkWritable(galvo, "--galvo");
    const heatMap = opts.heatMap as string | undefined;
    if (heatMap !== undefined) {
      if (extname(heatMap).toLowerCase() !== ".png")
        throw new PlanError("--heat-map", heatMap, "allowed: a file ending in .png");
      checkWritable(heatMap, "--heat-map");
    }
    const warnK = parseMaxBulkRise(opts.maxBulkRiseC);
    const bitsPerMm =
      opts.bitsPerMm === undefined ? undefined : parseNumberFlag("bits-per-mm", String(opts.bitsPerMm));
    const { plan, baseDir } = loadPlan(planPath, overridesFromOptions(opts));
    const area = createArea(plan.area, baseDir);
    const spots = generatePattern(plan, area);
    const scan = buildScan(plan, area, spots);
    const bare = scanStats(plan, area, scan);
    // The bulk rise (docs/bulk-heating.md): in the table always; in the scan file, the CSV and
    // --json with --heat (so their bytes without it stay as they were).
    const withHeat = opts.heat === true;
    const bulk =
      withHeat || heatMap !== undefined || !opts.json ? scanBulkRise(plan, scan, warnK) : undefined;
    const withBulk: ScanStats = bulk
      ? {
          ...bare,
          heat: {
            ...bare.heat,
            maxC: roundTo(bulk.stats.maxC, TEMP_RESOLUTION_K),
            p95C: roundTo(bulk.stats.p95C, TEMP_RESOLUTION_K),
            meanC: roundTo(bulk.stats.meanC, TEMP_RESOLUTION_K),
          },
          warnings: bulk.warning === null ? bare.warnings : [...bare.warnings, bulk.warning],
        }
      : bare;
    const stats = withHeat ? withBulk : bare;
    const rise = withHeat ? bulk?.perSpot : undefined;
    // Build every output before writing any, so a bad flag leaves no partial set of files.
    const galvoText = galvo !== undefined ? galvoListChunks(plan, scan, bitsPerMm) : undefined;
    const csvText = csv !== undefined ? scanCsvChunks(scan, derive(plan).energyMj, rise) : undefined;
    const json = output !== undefined ? scanFileJson(plan, area, scan, stats, withHeat, rise) : undefined;
    const heatPng =
      heatMap !== undefined && bulk
        ? (await import("../../heat/heat-map.js")).renderBulkRiseMap(plan, area, scan, bulk.perSpot, warnK)
        : undefined;
    if (json !== undefined && output !== undefined) writeFileAtomic(output, json);
    if (csvText !== undefined && csv !== undefined) writeFileAtomic(csv, csvText);
    if (galvoText !== undefined && galvo !== undefined) writeFileAtomic(galvo, galvoText);
    if (heatPng !== undefined && heatMap !== undefined) writeFileAtomic(heatMap, heatPng);
    await writeScanPreview(plan, area, scan, opts);
    if (opts.json) process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    else process.stdout.write(statsTable(plan.name, plan.sequence.order, withBulk));
  });
}
