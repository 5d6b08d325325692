/**
 * Named plans (`patterns/*.json`) and laser presets (`patterns/lasers/*.json`).
 * Every laser preset carries the published source of each number in its `sources` block.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { oneOf, PlanError } from "../errors.js";
import { parseJson, readJsonFile } from "./json.js";
import { type Laser, laserSchema } from "./schema.js";
import { parseWith } from "./validate.js";

/** The repo's `patterns/` folder (same relative place from src/ and dist/). */
export const PATTERNS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "patterns");
const LASERS_DIR = join(PATTERNS_DIR, "lasers");

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

/** Names of the laser presets. */
export function laserNames(): string[] {
  return jsonFiles(LASERS_DIR).map((f) => f.slice(0, -5));
}

/** Names of the named plans. */
export function planNames(): string[] {
  return jsonFiles(PATTERNS_DIR).map((f) => f.slice(0, -5));
}

/** Path of a named plan, or undefined. */
export function planPresetPath(name: string): string | undefined {
  const p = join(PATTERNS_DIR, `${name}.json`);
  return /^[\w.-]+$/.test(name) && existsSync(p) ? p : undefined;
}

const laserCache = new Map<string, Laser>();

/** The laser preset `name`, validated (a broken preset file is a bug, reported as such). */
export function laserPreset(name: string): Laser {
  const cached = laserCache.get(name);
  if (cached) return cached;
  const names = laserNames();
  if (!names.includes(name)) throw new PlanError("laser", name, oneOf(name, names));
  const raw = parseJson(readFileSync(join(LASERS_DIR, `${name}.json`), "utf8"));
  const laser = parseWith(laserSchema, raw, `laser preset ${name}`);
  laserCache.set(name, laser);
  return laser;
}

/** Does a plan's `"laser"` string name a file (a path ending in .json) rather than a preset? */
export function isLaserPath(value: string): boolean {
  return value.endsWith(".json") || value.includes("/") || value.includes("\\");
}

/**
 * A laser from a JSON file (what `laserscan calibrate` writes): the inline laser object as is,
 * validated; `field` names where the path came from.
 */
export function laserFromFile(path: string, field = "laser"): Laser {
  return parseWith(laserSchema, readJsonFile(path, field), `${field} (${basename(path)})`);
}

/** One line per named plan and laser preset, for `laserscan presets`. */
export function presetSummaries(): {
  plans: { name: string; description: string }[];
  lasers: { name: string; description: string }[];
} {
  const plans = planNames().map((name) => {
    let description = "";
    try {
      const raw = parseJson(readFileSync(join(PATTERNS_DIR, `${name}.json`), "utf8")) as {
        description?: unknown;
      };
      description = typeof raw.description === "string" ? raw.description : "";
    } catch {
      description = "(unreadable)";
    }
    return { name, description };
  });
  const lasers = laserNames().map((name) => {
    const l = laserPreset(name);
    return { name, description: l.description ?? `${l.wavelengthNm} nm ${l.kind}, ${l.model}` };
  });
  return { plans, lasers };
}
