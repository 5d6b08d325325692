/**
 * `laserscan presets`: named plans and laser presets, one line each; with
 * `--plot <laser> <file.png>`, the preset's depth and coagulation curves per spot size with the
 * data points it rests on, marked by evidence level (docs/calibration.md).
 */
import type { Command } from "commander";
import { PlanError } from "../../errors.js";
import { presetSummaries } from "../../plan/presets.js";

export function register(program: Command): void {
  program
    .command("presets")
    .description("list named plans (patterns/) and laser presets (patterns/lasers/)")
    .argument("[file]", "with --plot: the PNG to write")
    .option("--json", "machine-readable output")
    .option("--plot <laser>", "plot a laser preset's depth curves and its data to [file] (PNG)")
    .action(async (file: string | undefined, opts: { json?: boolean; plot?: string }) => {
      if (opts.plot !== undefined) {
        if (file === undefined)
          throw new PlanError("file", undefined, "required with --plot: the PNG to write");
        const { plotPreset } = await import("../../calibrate/presets.js");
        const { writeFileAtomic } = await import("../../io/atomic.js");
        const png = plotPreset(opts.plot);
        writeFileAtomic(file, png);
        if (opts.json) process.stdout.write(`${JSON.stringify({ laser: opts.plot, plot: file })}\n`);
        else process.stdout.write(`wrote ${file}\n`);
        return;
      }
      if (file !== undefined) throw new PlanError("file", file, "allowed only with --plot <laser>");
      const s = presetSummaries();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const width = Math.max(...[...s.plans, ...s.lasers].map((p) => p.name.length), 8);
      process.stdout.write("Named plans (laserscan scan <name>):\n");
      for (const p of s.plans) process.stdout.write(`  ${p.name.padEnd(width)}  ${p.description}\n`);
      process.stdout.write('Lasers (plan key "laser"):\n');
      for (const l of s.lasers) process.stdout.write(`  ${l.name.padEnd(width)}  ${l.description}\n`);
    });
}
