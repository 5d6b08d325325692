/**
 * A sweep validated before anything runs: every varied key and value, every combination's plan
 * and dose model, and every raster against the memory limit.
 */
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { doseModel } from "../dose/ablation.js";
import { checkMemory, DEFAULT_MAX_MEMORY_MB, rasterBytes, rasterSize, threadsFor } from "../dose/splat.js";
import { PlanError } from "../errors.js";
import { resolvePlan } from "../plan/load.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { type Shard, shardIndices } from "./shard.js";
import { checkVaryKey, crossProduct, planKeys, type VarySpec, type VaryValue } from "./vary.js";

/** Keys that all set the density (or the energy): a sweep may vary only one of each group. */
const EXCLUSIVE_GROUPS = [
  ["pattern.coverage", "pattern.pitchUm", "pattern.densityPerCm2"],
  ["pulse.energyMj", "pulse.fluenceJcm2"],
];

/** A PlanError with a prefix naming the variant (the original's field, value and allowed kept). */
export function prefixed(err: PlanError, prefix: string): PlanError {
  const e = new PlanError(err.field, err.value, err.allowed);
  e.message = `${prefix}: ${err.message}`;
  return e;
}

export function describeVariant(keys: readonly string[], values: readonly VaryValue[]): string {
  return `variant ${keys.map((k, i) => `${k}=${values[i]}`).join(" ")}`;
}

/** One variant of a sweep: its index in the cross product, its values and its resolved plan. */
export interface Variant {
  index: number;
  values: VaryValue[];
  plan: ResolvedPlan;
  /** Raster pixels (to choose where it runs). */
  pixels: number;
}

/** A validated sweep ready to run. */
export interface SweepPlan {
  name: string;
  keys: string[];
  /** Number of variants in the whole cross product. */
  total: number;
  /** The variants this run simulates (all, or one shard's), in variant order. */
  variants: Variant[];
  baseDir: string;
  maxMemoryMb: number;
}

/**
 * Validate a sweep before anything runs: every key is a plan key, every value is valid on its
 * own (`--vary key=value: ...`) and every combination resolves and has a dose model
 * (`variant k1=v1 k2=v2: ...`); the rasters fit the memory limit.
 */
export function prepareSweep(
  base: ResolvedPlan,
  baseDir: string,
  specs: readonly VarySpec[],
  opts: { shard?: Shard; maxMemoryMb?: number } = {},
): SweepPlan {
  if (specs.length === 0)
    throw new PlanError(
      "--vary",
      undefined,
      "required: at least one --vary key=v1,v2,... (e.g. pattern.coverage=0.05,0.1)",
    );
  const known = planKeys(base);
  const keys: string[] = [];
  for (const s of specs) {
    checkVaryKey(s.key, known);
    if (keys.includes(s.key)) throw new PlanError("--vary", s.key, "allowed: each key in one --vary only");
    for (const group of EXCLUSIVE_GROUPS) {
      const other = keys.find((k) => k !== s.key && group.includes(k) && group.includes(s.key));
      if (other)
        throw new PlanError(
          "--vary",
          s.key,
          `it sets the same thing as --vary ${other}; allowed: one of ${group.join(", ")}`,
        );
    }
    keys.push(s.key);
  }
  const maxMemoryMb = opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  // Each value alone first, so the message names the one bad value.
  for (const s of specs)
    for (const v of s.values) {
      try {
        const plan = resolvePlan(base, baseDir, { [s.key]: v });
        doseModel(plan);
      } catch (e) {
        if (e instanceof PlanError) throw prefixed(e, `--vary ${s.key}=${v}`);
        throw e;
      }
    }
  const combos = crossProduct(specs);
  const areas = new Map<string, Area>();
  const wanted = new Set(shardIndices(combos.length, opts.shard));
  const variants: Variant[] = [];
  combos.forEach((values, index) => {
    const overrides: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      overrides[k] = values[i];
    });
    try {
      const plan = resolvePlan(base, baseDir, overrides);
      doseModel(plan);
      const areaKey = JSON.stringify(plan.area);
      let area = areas.get(areaKey);
      if (!area) {
        area = createArea(plan.area, baseDir);
        areas.set(areaKey, area);
      }
      const { width, height } = rasterSize(area, plan.raster.pixelUm);
      const threads = threadsFor(width * height);
      checkMemory(rasterBytes(width, height, false, threads), maxMemoryMb, width, height);
      if (wanted.has(index)) variants.push({ index, values, plan, pixels: width * height });
    } catch (e) {
      if (e instanceof PlanError) throw prefixed(e, describeVariant(keys, values));
      throw e;
    }
  });
  return { name: base.name, keys, total: combos.length, variants, baseDir, maxMemoryMb };
}
