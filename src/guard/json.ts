/**
 * Bounds on JSON read from the user's files: nesting depth is checked without recursion
 * before anything recursive (structuredClone, schema checks, error messages) walks the value,
 * so a file nested 10,000 levels deep is one clear error, not a stack overflow.
 */
import { PlanError } from "../errors.js";

/** Deepest nesting a plan, scan file or GeoJSON file may have (a plan needs 5, GeoJSON 6). */
export const MAX_JSON_DEPTH = 64;

/** Throw a PlanError on `field` when `value` nests objects / arrays deeper than `maxDepth`. */
export function checkJsonDepth(value: unknown, field: string, maxDepth = MAX_JSON_DEPTH): void {
  const stack: [unknown, number, string][] = [[value, 0, ""]];
  while (stack.length > 0) {
    const [v, depth, at] = stack.pop() as [unknown, number, string];
    if (v === null || typeof v !== "object") continue;
    if (depth >= maxDepth)
      throw new PlanError(
        field,
        `nested deeper than ${maxDepth} levels at ${at || "(top)"}`.slice(0, 120),
        `allowed: JSON nested at most ${maxDepth} levels`,
      );
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        if (v[i] !== null && typeof v[i] === "object") stack.push([v[i], depth + 1, `${at}[${i}]`]);
    } else
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        if (x !== null && typeof x === "object") stack.push([x, depth + 1, at ? `${at}.${k}` : k]);
  }
}
