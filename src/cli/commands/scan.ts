/**
 * `laserscan scan <plan>`: pattern, stamps, firing order, timing and heat of a plan; writes
 * the canonical scan file, a CSV and a galvo command list on request.
 */
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import { PlanError } from "../../errors.js";
import { checkWritable, claimStdout, summaryStream, writeFileAtomic } from "../../io/atomic.js";
import { scanCsvChunks } from "../../io/csv.js";
import { scanDxf } from "../../io/dxf.js";
import { galvoListChunks } from "../../io/galvo.js";
import { type ScanStats, scanFileJson, scanStats } from "../../io/scanfile.js";
import { scanSvgChunks } from "../../io/svg.js";
import { generatePattern } from "../../pattern/index.js";
import { derive } from "../../plan/derived.js";
import { loadPlan } from "../../plan/load.js";
import { buildScan } from "../../sequence/index.js";
import { addPreviewOptions } from "../heatmap-flags.js";
import { addPlanOptions, overridesFromOptions, parseNumberFlag } from "../options.js";

/** The short human table of a scan's stats. */
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
    const bitsPerMm =
      opts.bitsPerMm === undefined ? undefined : parseNumberFlag("bits-per-mm", String(opts.bitsPerMm));
    const { plan, baseDir } = loadPlan(planPath, overridesFromOptions(opts));
    const area = createArea(plan.area, baseDir);
    const spots = generatePattern(plan, area);
    const scan = buildScan(plan, area, spots);
    const stats = scanStats(plan, area, scan);
    // Build every output before writing any, so a bad flag leaves no partial set of files.
    const galvoText = galvo !== undefined ? galvoListChunks(plan, scan, bitsPerMm) : undefined;
    const csvText = csv !== undefined ? scanCsvChunks(scan, derive(plan).energyMj) : undefined;
    const svgText =
      svg !== undefined
        ? scanSvgChunks(plan.name, plan.spot.diameterUm, area, scan, { circles: opts.svgCircles === true })
        : undefined;
    const dxfText = dxfPath !== undefined ? scanDxf(plan.spot.diameterUm, area, scan) : undefined;
    const json = output !== undefined ? scanFileJson(plan, area, scan, stats, opts.heat === true) : undefined;
    if (json !== undefined && output !== undefined) writeFileAtomic(output, json);
    if (csvText !== undefined && csv !== undefined) writeFileAtomic(csv, csvText);
    if (galvoText !== undefined && galvo !== undefined) writeFileAtomic(galvo, galvoText);
    if (svgText !== undefined && svg !== undefined) writeFileAtomic(svg, svgText);
    if (dxfText !== undefined && dxfPath !== undefined) writeFileAtomic(dxfPath, dxfText);
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
