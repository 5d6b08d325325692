/**
 * Validating plans and presets: zod's first issue becomes one {@link PlanError} that names the
 * field (`pattern.offsetMm[1]`), the value and what is allowed, with the nearest key for a
 * misspelt one.
 */
import type { z as Z } from "zod/v3";
import { nearest, oneOf, PlanError } from "../errors.js";
import { AREA_SHAPES, PLAN_VERSION, type Plan, planSchema } from "./schema.js";
import { objectFields, type SchemaNode, schemaAt, valueAt } from "./schema-walk.js";

/** `pattern.offsetMm[1]` from a zod path. */
export function fieldName(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || "(plan)";
}

function issueToError(issue: Z.ZodIssue, input: unknown, root: SchemaNode, prefix: string): PlanError {
  const path = issue.path;
  const value = valueAt(input, path);
  const field = fieldName(path, prefix);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const obj = schemaAt(root, path, input);
      const keys = obj ? Object.keys(objectFields(obj) ?? {}) : [];
      const hint = nearest(key, keys);
      return new PlanError(
        fieldName([...path, key], prefix),
        valueAt(input, [...path, key]),
        `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed keys: ${keys.join(", ")}`,
      );
    }
    case "invalid_type": {
      if (issue.expected === "integer") return new PlanError(field, value, "allowed: a whole number");
      if (value === undefined) return new PlanError(field, value, `required: ${article(issue.expected)}`);
      const what = issue.expected === "number" ? "a finite number" : article(issue.expected);
      return new PlanError(field, value, `allowed: ${what}`);
    }
    case "not_finite":
      return new PlanError(field, value, "allowed: a finite number");
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.type === "array") return new PlanError(field, value, `allowed: at least ${min} entries`);
      if (issue.type === "string") return new PlanError(field, value, "allowed: a non-empty string");
      return new PlanError(field, value, `allowed: a number ${issue.inclusive ? "≥" : ">"} ${min}`);
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.type === "array") return new PlanError(field, value, `allowed: at most ${max} entries`);
      return new PlanError(field, value, `allowed: a number ${issue.inclusive ? "≤" : "<"} ${max}`);
    }
    case "invalid_literal":
    case "invalid_enum_value": {
      if (path.at(-1) === "version" && typeof value === "number" && value > PLAN_VERSION)
        return new PlanError(
          field,
          value,
          `this laserscan reads version ${PLAN_VERSION}; the file is from a newer version, upgrade laserscan`,
        );
      const options = issue.code === "invalid_literal" ? [issue.expected] : issue.options;
      const allowed = oneOf(value, options.map(String));
      return new PlanError(
        field,
        value,
        value === undefined ? allowed.replace("allowed", "required") : allowed,
      );
    }
    case "invalid_union_discriminator": {
      const shape = (value as { shape?: unknown } | undefined)?.shape;
      return new PlanError(fieldName([...path, "shape"], prefix), shape, oneOf(shape, AREA_SHAPES));
    }
    case "invalid_union": {
      // laser: a preset name or an inline object; report the deepest branch issue of the object form.
      const deeper = issue.unionErrors.flatMap((e) => e.issues).find((e) => e.path.length > path.length);
      if (deeper) return issueToError(deeper, input, root, prefix);
      return new PlanError(field, value, "allowed: a preset name or an inline laser object");
    }
    case "not_multiple_of":
      return new PlanError(field, value, "allowed: a whole number");
    default:
      return new PlanError(field, value, issue.message);
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/**
 * Validate `input` against `schema`, throwing the first problem as a {@link PlanError}
 * (`prefix` names the file part, e.g. "laser" for a preset file).
 */
export function parseWith<T extends Z.ZodTypeAny>(schema: T, input: unknown, prefix = ""): Z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0], input, schema as unknown as SchemaNode, prefix);
}

/** Validate a plan object (no file access): the plan with every default filled in. */
export function parsePlan(input: unknown): Plan {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new PlanError("(plan)", input, "allowed: a JSON object with version, laser, pulse, pattern, area");
  const area = (input as { area?: { shape?: unknown } }).area;
  if (area && typeof area === "object" && !AREA_SHAPES.includes(area.shape as (typeof AREA_SHAPES)[number]))
    throw new PlanError("area.shape", area.shape, oneOf(area.shape, AREA_SHAPES));
  return parseWith(planSchema, input);
}
