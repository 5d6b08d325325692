/**
 * `laserscan scan <plan>`: pattern, stamps, firing order, timing and heat of a plan; writes
 * the canonical scan file, a CSV and a galvo command list on request.
 */
import type { Command } from "commander";
import { createArea } from "../../area/index.js";
import { checkWritable, writeFileAtomic } from "../../io/atomic.js";
import { scanCsvChunks } from "../../io/csv.js";
import { galvoListChunks } from "../../io/galvo.js";
import { type ScanStats, scanFileJson, scanStats } from "../../io/scanfile.js";
import { derive } from "../../plan/derived.js";
import { loadPlan } from "../../plan/load.js";
import { buildTreatment } from "../../sequence/treatment.js";
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
      .option("--json", "print only the stats as JSON"),
  ).action(async (planPath: string, opts: Record<string, unknown>) => {
    const output = opts.output as string | undefined;
    const csv = opts.csv as string | undefined;
    const galvo = opts.galvo as string | undefined;
    if (output !== undefined) checkWritable(output, "--output");
    if (csv !== undefined) checkWritable(csv, "--csv");
    if (galvo !== undefined) checkWritable(galvo, "--galvo");
    const bitsPerMm =
      opts.bitsPerMm === undefined ? undefined : parseNumberFlag("bits-per-mm", String(opts.bitsPerMm));
    const { plan, baseDir } = loadPlan(planPath, overridesFromOptions(opts));
    const area = createArea(plan.area, baseDir);
    const { scan, passPlans } = buildTreatment(plan, area);
    const stats = scanStats(plan, area, scan);
    // Build every output before writing any, so a bad flag leaves no partial set of files.
    const galvoText = galvo !== undefined ? galvoListChunks(plan, scan, bitsPerMm) : undefined;
    const csvText =
      csv !== undefined
        ? scanCsvChunks(
            scan,
            passPlans.map((p) => derive(p).energyMj),
          )
        : undefined;
    const json = output !== undefined ? scanFileJson(plan, area, scan, stats, opts.heat === true) : undefined;
    if (json !== undefined && output !== undefined) writeFileAtomic(output, json);
    if (csvText !== undefined && csv !== undefined) writeFileAtomic(csv, csvText);
    if (galvoText !== undefined && galvo !== undefined) writeFileAtomic(galvo, galvoText);
    if (opts.preview !== undefined)
      await (await import("../../render/write.js")).writeScanPreview(
        opts.preview as string,
        plan,
        area,
        scan,
        opts.previewJumps as number | undefined,
      );
    if (opts.json) process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
    else process.stdout.write(statsTable(plan.name, plan.sequence.order, stats));
  });
}
