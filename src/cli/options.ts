/**
 * Plan overrides shared by every command that reads a plan: flags use the plan's
 * own names, so `--coverage 0.1` sets `pattern.coverage`.
 */
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { PlanError } from "../errors.js";
import { DECIMAL_ALLOWED, parseDecimal } from "../guard/number.js";
import { DEFAULT_MAX_WORK } from "../guard/work.js";

interface Override {
  flag: string;
  key: string | string[];
  kind: "number" | "int" | "string";
  help: string;
}

/** Every override flag, the plan key(s) it sets and how its value is read. */
export const OVERRIDES: readonly Override[] = [
  { flag: "coverage", key: "pattern.coverage", kind: "number", help: "spot coverage, fraction (0.1 = 10 %)" },
  { flag: "pitch-um", key: "pattern.pitchUm", kind: "number", help: "nearest-neighbour pitch, µm" },
  { flag: "density-per-cm2", key: "pattern.densityPerCm2", kind: "number", help: "spots per cm²" },
  {
    flag: "lattice",
    key: "pattern.lattice",
    kind: "string",
    help: "square | hex | jittered | random | poisson",
  },
  { flag: "rotation-deg", key: "pattern.rotationDeg", kind: "number", help: "lattice rotation, degrees" },
  { flag: "spot-um", key: "spot.diameterUm", kind: "number", help: "spot diameter (1/e²), µm" },
  { flag: "profile", key: "spot.profile", kind: "string", help: "gaussian | tophat" },
  { flag: "energy-mj", key: "pulse.energyMj", kind: "number", help: "pulse energy, mJ" },
  { flag: "fluence-jcm2", key: "pulse.fluenceJcm2", kind: "number", help: "average fluence, J/cm²" },
  { flag: "stack", key: "pulse.stack", kind: "int", help: "pulses per spot" },
  { flag: "seed", key: ["pattern.seed", "sequence.seed"], kind: "int", help: "seed for pattern and order" },
  {
    flag: "order",
    key: "sequence.order",
    kind: "string",
    help: "raster | serpentine | random | interleave | spread | shortest",
  },
  { flag: "pixel-um", key: "raster.pixelUm", kind: "number", help: "raster pixel, µm" },
];

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Add the override flags to a command. */
export function addPlanOptions(cmd: Command): Command {
  for (const o of OVERRIDES) cmd.option(`--${o.flag} <${o.kind === "string" ? "name" : "n"}>`, o.help);
  return cmd;
}

/**
 * Parse a numeric flag value (plain decimal only, see guard/number.ts), rejecting NaN, Infinity,
 * hex, octal and junk with a PlanError.
 */
export function parseNumberFlag(flag: string, text: string, integer = false): number {
  const v = parseDecimal(String(text));
  if (v === undefined)
    throw new PlanError(
      `--${flag}`,
      text,
      `allowed: ${integer ? "a whole number in decimal (e.g. 4)" : DECIMAL_ALLOWED}`,
    );
  if (integer && !Number.isInteger(v)) throw new PlanError(`--${flag}`, text, "allowed: a whole number");
  return v;
}

/** Most threads a run may ask for: each is a worker with its own memory (4 per core, at least 8). */
export const MAX_THREADS = Math.max(8, 4 * availableParallelism());

/** Parse `--threads N`: a whole number 1..{@link MAX_THREADS} (one rule for every command). */
export function parseThreadsFlag(text: string): number {
  const n = parseNumberFlag("threads", text, true);
  if (n < 1 || n > MAX_THREADS)
    throw new PlanError("--threads", text, `allowed: a whole number ≥ 1 and ≤ ${MAX_THREADS} (4 per core)`);
  return n;
}

/** Parse a flag that must be a number > 0 (e.g. --max-memory-mb). */
export function parsePositiveFlag(flag: string, text: string): number {
  const v = parseNumberFlag(flag, text);
  if (!(v > 0)) throw new PlanError(`--${flag}`, text, "allowed: a number > 0");
  return v;
}

/** The dotted-key overrides given on the command line. */
export function overridesFromOptions(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of OVERRIDES) {
    const raw = opts[camel(o.flag)];
    if (raw === undefined) continue;
    const value = o.kind === "string" ? String(raw) : parseNumberFlag(o.flag, String(raw), o.kind === "int");
    for (const key of Array.isArray(o.key) ? o.key : [o.key]) out[key] = value;
  }
  return out;
}

/** Add `--max-work <n>` (the work guard, see guard/work.ts) to a command. */
export function addMaxWorkOption(cmd: Command): Command {
  return cmd.option(
    "--max-work <n>",
    `refuse runs estimated above this many pixel updates (default ${DEFAULT_MAX_WORK.toPrecision(2)}, about 10 min)`,
  );
}

/** The `--max-work` limit from the parsed flags (the default when not given). */
export function maxWorkFrom(opts: Record<string, unknown>): number {
  return opts.maxWork === undefined ? DEFAULT_MAX_WORK : parsePositiveFlag("max-work", String(opts.maxWork));
}
