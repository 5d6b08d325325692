/**
 * Reading a plan: from a file or a named preset, with CLI overrides (docs/formats.md) applied
 * to the raw JSON before validation, and the laser preset name resolved to its parameters.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { oneOf, PlanError } from "../errors.js";
import { checkJsonDepth } from "../guard/json.js";
import { noteInput } from "../io/atomic.js";
import { checkPlan, type PlanCheckOptions } from "./check.js";
import { readJsonFile } from "./json.js";
import { isLaserPath, laserFromFile, laserPreset, planNames, planPresetPath } from "./presets.js";
import { isRegionName, regionNames } from "./regions.js";
import type { Laser, Plan, ResolvedPlan } from "./schema.js";
import { parsePlan } from "./validate.js";

/** Keys that set the pattern density: giving one removes the others (docs/formats.md). */
const DENSITY_KEYS = ["pattern.coverage", "pattern.pitchUm", "pattern.densityPerCm2"];
/** Keys that set the pulse energy: giving one removes the other. */
const ENERGY_KEYS = ["pulse.energyMj", "pulse.fluenceJcm2"];

/** A plan as loaded: resolved (laser inline, defaults filled) plus where it came from. */
export interface LoadedPlan {
  plan: ResolvedPlan;
  /** Folder that relative paths in the plan resolve against. */
  baseDir: string;
}

/** Set `obj[a][b]... = value` for a dotted key, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let o = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i];
    const next = o[k];
    // An array is kept when the next key indexes it (`passes.1.pattern.rotationDeg`).
    if (typeof next !== "object" || next === null || (Array.isArray(next) && !/^\d+$/.test(keys[i + 1]))) {
      if (k === "laser" && typeof next === "string") o[k] = { ...laserPreset(next) };
      else o[k] = {};
    }
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/** Read a dotted key from an object. */
export function getPath(obj: unknown, dotted: string): unknown {
  let o = obj;
  for (const k of dotted.split(".")) o = (o as Record<string, unknown> | undefined)?.[k];
  return o;
}

/**
 * Apply overrides (dotted plan keys → values) to a raw plan object, in place. Setting one
 * density (or energy) key removes its alternatives so the plan keeps exactly one.
 */
export function applyOverrides(raw: Record<string, unknown>, overrides: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    // A pass's own keys (`passes.1.pulse.energyMj`) replace that pass's alternatives.
    const pass = /^passes\.(\d+)\.(.*)$/.exec(key);
    const passes = raw.passes;
    const scope = (pass ? (Array.isArray(passes) ? passes[Number(pass[1])] : undefined) : raw) as
      | Record<string, unknown>
      | undefined;
    const local = pass ? pass[2] : key;
    for (const group of [DENSITY_KEYS, ENERGY_KEYS]) {
      if (!group.includes(local) || !scope || typeof scope !== "object") continue;
      for (const other of group) {
        if (other === local) continue;
        const [a, b] = other.split(".");
        const parent = scope[a] as Record<string, unknown> | undefined;
        if (parent && typeof parent === "object") delete parent[b];
      }
    }
    setPath(raw, key, value);
  }
}

/**
 * Resolve the laser: a preset name becomes the preset's parameters; a path ending in .json (as
 * `laserscan calibrate` writes) is read relative to `baseDir`, the plan's folder.
 */
export function resolveLaser(laser: Plan["laser"], baseDir?: string): Laser {
  if (typeof laser !== "string") return laser;
  if (baseDir !== undefined && isLaserPath(laser)) return laserFromFile(resolve(baseDir, laser));
  return laserPreset(laser);
}

/** Validate a raw plan object, apply overrides and resolve the laser and relative paths. */
export function resolvePlan(
  raw: unknown,
  baseDir: string,
  overrides: Record<string, unknown> = {},
): ResolvedPlan {
  checkJsonDepth(raw, "plan");
  const copy = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? structuredClone(raw) : raw;
  if (copy && typeof copy === "object" && !Array.isArray(copy))
    applyOverrides(copy as Record<string, unknown>, overrides);
  const plan = parsePlan(copy);
  if (plan.region !== undefined && !isRegionName(plan.region))
    throw new PlanError("region", plan.region, oneOf(plan.region, regionNames()));
  const area = plan.area;
  if (
    (area.shape === "geojson" || area.shape === "mask") &&
    area.path !== undefined &&
    !isAbsolute(area.path)
  )
    area.path = resolve(baseDir, area.path);
  return { ...plan, laser: resolveLaser(plan.laser, baseDir) };
}

/**
 * Load a plan from a file path or a named preset (`patterns/<name>.json`), apply CLI
 * overrides, resolve it and run the plan check (plan/check.ts) every command shares.
 */
export function loadPlan(
  pathOrName: string,
  overrides: Record<string, unknown> = {},
  check: PlanCheckOptions = {},
): LoadedPlan {
  let path = pathOrName;
  if (!existsSync(path)) {
    const preset = planPresetPath(pathOrName);
    if (!preset)
      throw new PlanError(
        "plan",
        pathOrName,
        `no such file, and no named plan of that name (named plans: ${planNames().join(", ") || "none"})`,
      );
    path = preset;
  }
  noteInput(path, "plan");
  const raw = readJsonFile(path, "plan");
  const baseDir = dirname(resolve(path));
  const plan = resolvePlan(raw, baseDir, overrides);
  checkPlan(plan, check);
  return { plan, baseDir };
}
