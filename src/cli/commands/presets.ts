/** `laserscan presets`: named plans and laser presets, one line each. */
import type { Command } from "commander";
import { presetSummaries } from "../../plan/presets.js";

export function register(program: Command): void {
  program
    .command("presets")
    .description("list named plans (patterns/) and laser presets (patterns/lasers/)")
    .option("--json", "machine-readable output")
    .action((opts: { json?: boolean }) => {
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
