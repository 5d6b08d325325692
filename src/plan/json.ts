/**
 * Reading JSON files: the user's (plans, scan files, GeoJSON areas), where every failure is a
 * PlanError, and the package's own presets, through the same parse.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { PlanError } from "../errors.js";
import { checkJsonDepth } from "../guard/json.js";

/** JSON.parse, after a leading byte-order mark (some editors save one: not JSON, but no mistake either). */
export function parseJson(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

/** Read a JSON file, turning every failure into a PlanError naming `field`. */
export function readJsonFile(path: string, field: string): unknown {
  if (!existsSync(path)) throw new PlanError(field, path, "the file does not exist");
  if (statSync(path).isDirectory()) throw new PlanError(field, path, "allowed: a JSON file, not a folder");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new PlanError(
      field,
      path,
      `the file cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    throw new PlanError(field, path, `not valid JSON: ${(e as Error).message}`);
  }
  checkJsonDepth(value, field);
  return value;
}
