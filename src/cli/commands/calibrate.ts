/**
 * `laserscan calibrate <measurements.csv> --model calibrated|steady-state|blow-off --from <laser>
 * -o <laser.json> [--plot fit.png] [--json]`: fit a laser to measured craters (docs/calibration.md);
 * rows with an `intervalMs` (stacks) fit the laser's re-hit table (docs/rehit.md).
 * Prints the fitted parameters, each row's measured and fitted depth and the RMS log error, and
 * writes a laser file a plan takes as its inline `laser` or as `"laser": "./laser.json"`. Bad
 * data stop with exit 2 and one line naming the row and column; nothing is written.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Command } from "commander";
import { PlanError } from "../../errors.js";

export function register(program: Command): void {
  program
    .command("calibrate")
    .description("fit a laser model to measured crater depths (CSV) and write a laser file")
    .argument(
      "<measurements>",
      "CSV: spotUm, energyMj or fluenceJcm2, [pulses], depthUm, [coagUm], [profile], [intervalMs], [source]",
    )
    .requiredOption("--model <model>", "calibrated | steady-state | blow-off")
    .requiredOption("--from <laser>", "laser preset name or laser JSON file giving name, wavelength and kind")
    .requiredOption("-o, --out <file>", "laser JSON to write")
    .option("--plot <file>", "PNG of the measured points, the fit and the --from laser, per spot size")
    .option("--json", "machine-readable output")
    .action(
      async (
        csvPath: string,
        opts: { model: string; from: string; out: string; plot?: string; json?: boolean },
      ) => {
        const [{ parseMeasurements }, { FIT_MODELS, fitLaser, laserJson, OWN_DATA_FLOOR }, presets, atomic] =
          await Promise.all([
            import("../../calibrate/csv.js"),
            import("../../calibrate/fit.js"),
            import("../../plan/presets.js"),
            import("../../io/atomic.js"),
          ]);
        const { oneOf } = await import("../../errors.js");
        if (!(FIT_MODELS as readonly string[]).includes(opts.model))
          throw new PlanError("--model", opts.model, oneOf(opts.model, FIT_MODELS));
        const from = presets.isLaserPath(opts.from)
          ? presets.laserFromFile(opts.from, "--from")
          : presets.laserPreset(opts.from);
        if (presets.isLaserPath(opts.from)) atomic.noteInput(opts.from, "--from");
        atomic.noteInput(csvPath, "measurements");
        atomic.checkWritable(opts.out, "-o", { stdout: true });
        if (opts.plot !== undefined) atomic.checkWritable(opts.plot, "--plot"); // PNG: "-" refused
        if (opts.json) atomic.claimStdout("--json");
        let text: string;
        try {
          text = readFileSync(csvPath, "utf8");
        } catch (e) {
          throw new PlanError(
            "measurements",
            csvPath,
            `the file cannot be read (${(e as NodeJS.ErrnoException).code})`,
          );
        }
        const rows = parseMeasurements(text);
        const base = { ...from };
        delete base.sources;
        delete base.notes;
        delete base.fit;
        delete base.dataRange;
        const fit = fitLaser(base, rows, opts.model as "calibrated" | "steady-state" | "blow-off", {
          floor: OWN_DATA_FLOOR,
        });
        const laser = {
          ...fit.laser,
          description: `${from.name} calibrated (${opts.model}) to ${rows.length} measured rows of ${basename(csvPath)}`,
        };
        laser.fit = {
          ...(laser.fit as NonNullable<typeof laser.fit>),
          note: `fitted by laserscan calibrate to ${basename(csvPath)}`,
        };
        // Everything is computed before anything is written.
        const png =
          opts.plot !== undefined
            ? (await import("../../calibrate/plot.js")).calibratePlot(
                laser,
                from,
                rows.filter((m) => m.intervalMs === undefined),
              )
            : undefined;
        atomic.writeFileAtomic(opts.out, laserJson(laser));
        if (png && opts.plot) atomic.writeFileAtomic(opts.plot, png);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ model: opts.model, params: fit.params, residuals: fit.residuals, rmsLogError: fit.rmsLogError, uncertaintyPct: laser.uncertaintyPct, ...(fit.reHit ? { reHit: fit.reHit.table, warnings: fit.warnings } : {}), laser: opts.out, plot: opts.plot ?? null }, null, 2)}\n`,
          );
          return;
        }
        const out: string[] = [
          `${laser.name}: ${opts.model} fit to ${rows.length} rows of ${basename(csvPath)}`,
        ];
        for (const [k, v] of Object.entries(fit.params)) out.push(`  ${k}: ${v}`);
        if (fit.reHit)
          out.push(
            `  reHit [interval ms, efficiency]: ${JSON.stringify(fit.reHit.table)} (from ${fit.reHit.intervals.length} stacked interval${fit.reHit.intervals.length > 1 ? "s" : ""}, in ln Δt)`,
          );
        // The interval column only when there are stacks: output without them is unchanged.
        const iv = fit.reHit !== undefined;
        out.push(
          `  row  spot µm  energy mJ  pulses${iv ? "  interval ms" : ""}  what   measured µm  fitted µm  fitted/measured`,
        );
        for (const r of fit.residuals)
          out.push(
            `  ${String(r.row).padStart(3)}  ${String(r.spotUm).padStart(7)}  ${String(+r.energyMj.toPrecision(5)).padStart(9)}  ${String(r.pulses).padStart(6)}${iv ? `  ${(r.intervalMs === undefined ? "-" : String(r.intervalMs)).padStart(11)}` : ""}  ${r.what.padEnd(5)}  ${String(r.measuredUm).padStart(11)}  ${r.fittedUm.toFixed(1).padStart(9)}  ${(r.fittedUm / r.measuredUm).toFixed(3).padStart(15)}`,
          );
        for (const w of fit.warnings) out.push(`  warning: ${w}`);
        out.push(`  RMS log error: ${fit.rmsLogError.toFixed(4)} (model ±${laser.uncertaintyPct} %)`);
        out.push(`wrote ${opts.out}${opts.plot ? ` and ${opts.plot}` : ""}`);
        atomic.summaryStream().write(`${out.join("\n")}\n`);
      },
    );
}
