/**
 * `laserscan scan <plan>`: pattern, stamps, firing order, timing and heat of a plan; writes
 * the canonical scan file, a CSV and a galvo command list on request.
 */
import { extname } from "node:path";
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import { PlanError } from "../../errors.js";
import { parseMaxBulkRise, scanBulkRise } from "../../heat/bulk-rise.js";
import { checkWritable, claimStdout, summaryStream, writeFileAtomic } from "../../io/atomic.js";
import { scanCsvChunks } from "../../io/csv.js";
import { scanDxf } from "../../io/dxf.js";
import { galvoListChunks } from "../../io/galvo.js";
import { roundTo, type ScanStats, scanFileJson, scanStats, TEMP_RESOLUTION_K } from "../../io/scanfile.js";
import { scanSvgChunks } from "../../io/svg.js";
import { derive } from "../../plan/derived.js";
import { loadPlan } from "../../plan/load.js";
import { buildTreatment } from "../../sequence/treatment.js";
import { addPreviewOptions } from "../heatmap-flags.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";

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
  if (stats.aimMs !== undefined)
    rows.push(["aiming beam", `${+(stats.aimMs / 1000).toFixed(3)} s (in the treatment time)`]);
  for (const [k, p] of (stats.passes ?? []).entries())
    rows.push([
      `pass ${k}`,
      `${p.spots} spots, from ${+(p.startMs / 1000).toFixed(3)} s for ${+(p.treatmentMs / 1000).toFixed(3)} s`,
    ]);
  let out = rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`).join("\n");
  for (const w of stats.warnings) out += `\n  warning: ${w}`;
  return `${out}\n`;
}

export function register(program: Command): void {
  addPlanOptions(
    addPreviewOptions(program.command("scan <plan>"))
      .description("generate the spot pattern, firing order and timing of a plan (file or named plan)")
      .option("-o, --output <scan.json>", "write the canonical scan file (docs/formats.md)")
      .option("--csv <file.csv>", "write one CSV row per spot: index,xMm,yMm,tMs,stamp,pulses,energyMj")
      .option("--galvo <file.txt>", "write a galvo command list (jump / fire / wait lines)")
      .option("--bits-per-mm <n>", "galvo list positions in 16-bit scanner units (0x8000 = field centre)")
      .option("--heat", "add the per-spot heat index to the scan file")
      .option(
        "--svg <file.svg>",
        "write the spots in firing order as SVG points (mm, y up as on the scanner)",
      )
      .option("--dxf <file.dxf>", "write the spots (POINT), spot sizes (CIRCLE) and outline as DXF, mm")
      .option("--svg-circles", "with --svg: add a circle of the spot size per spot on its own layer")
      .option(
        "--bulk-rise",
        "also compute the bulk temperature rise each spot meets when it fires, K: stats, tempRiseC in the scan file and CSV (slower)",
      )
      .option(
        "--heat-map <file.png>",
        "write a picture of the spots coloured by the bulk temperature rise each meets when it fires, K (implies --bulk-rise)",
      )
      .option(
        "--max-bulk-rise-c <K>",
        "warn (with their count) when spots meet a bulk temperature rise above this when they fire, K (default 10; implies --bulk-rise)",
      )
      .option("--json", "print only the stats as JSON"),
  ).action(async (planPath: string, opts: Record<string, unknown>) => {
    const output = opts.output as string | undefined;
    const csv = opts.csv as string | undefined;
    const galvo = opts.galvo as string | undefined;
    if (output !== undefined) checkWritable(output, "--output", { stdout: true });
    if (csv !== undefined) checkWritable(csv, "--csv", { stdout: true });
    if (galvo !== undefined) checkWritable(galvo, "--galvo", { stdout: true });
    const svg = opts.svg as string | undefined;
    if (svg !== undefined) checkWritable(svg, "--svg", { stdout: true });
    const dxfPath = opts.dxf as string | undefined;
    if (dxfPath !== undefined) checkWritable(dxfPath, "--dxf", { stdout: true });
    if (opts.json) claimStdout("--json");
    if (opts.svgCircles === true && svg === undefined)
      throw new PlanError("--svg-circles", true, "allowed only with --svg <file.svg>");
    const heatMap = opts.heatMap as string | undefined;
    if (heatMap !== undefined) {
      if (heatMap === "-") checkWritable(heatMap, "--heat-map"); // refused: a binary output
      if (extname(heatMap).toLowerCase() !== ".png")
        throw new PlanError("--heat-map", heatMap, "allowed: a file ending in .png");
      checkWritable(heatMap, "--heat-map");
    }
    const warnK = parseMaxBulkRise(opts.maxBulkRiseC);
    const bulkRise = opts.bulkRise === true || heatMap !== undefined || opts.maxBulkRiseC !== undefined;
    const bitsPerMm =
      opts.bitsPerMm === undefined ? undefined : parseNumberFlag("bits-per-mm", String(opts.bitsPerMm));
    const { plan, baseDir } = loadPlan(planPath, overridesFromOptions(opts));
    const area = createArea(plan.area, baseDir);
    const { scan, passPlans } = buildTreatment(plan, area);
    // The bulk rise (docs/bulk-heating.md) only when asked for: it costs several times the heat
    // index, and without it every output stays as it was.
    const bulk = bulkRise ? scanBulkRise(plan, scan, warnK) : undefined;
    const bare = scanStats(plan, area, scan);
    const stats: ScanStats = bulk
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
    const rise = bulk?.perSpot;
    // Build every output before writing any, so a bad flag leaves no partial set of files.
    const galvoText = galvo !== undefined ? galvoListChunks(plan, scan, bitsPerMm) : undefined;
    const csvText =
      csv !== undefined
        ? scanCsvChunks(
            scan,
            passPlans.map((p) => derive(p).energyMj),
            rise,
          )
        : undefined;
    const svgText =
      svg !== undefined
        ? scanSvgChunks(plan.name, plan.spot.diameterUm, area, scan, { circles: opts.svgCircles === true })
        : undefined;
    const dxfText = dxfPath !== undefined ? scanDxf(plan.spot.diameterUm, area, scan) : undefined;
    const json =
      output !== undefined ? scanFileJson(plan, area, scan, stats, opts.heat === true, rise) : undefined;
    const heatPng =
      heatMap !== undefined && bulk
        ? (await import("../../heat/heat-map.js")).renderBulkRiseMap(plan, area, scan, bulk.perSpot, warnK)
        : undefined;
    if (json !== undefined && output !== undefined) writeFileAtomic(output, json);
    if (csvText !== undefined && csv !== undefined) writeFileAtomic(csv, csvText);
    if (galvoText !== undefined && galvo !== undefined) writeFileAtomic(galvo, galvoText);
    if (svgText !== undefined && svg !== undefined) writeFileAtomic(svg, svgText);
    if (dxfText !== undefined && dxfPath !== undefined) writeFileAtomic(dxfPath, dxfText);
    if (heatPng !== undefined && heatMap !== undefined) writeFileAtomic(heatMap, heatPng);
    if (opts.preview !== undefined)
      await (await import("../../render/write.js")).writeScanPreview(
        opts.preview as string,
        plan,
        area,
        scan,
        opts.previewJumps as number | undefined,
      );
    if (opts.json) process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    else summaryStream().write(statsTable(plan.name, plan.sequence.order, stats));
  });
}
