/**
 * `--vary key=v1,v2,...`: parsing, the cross product of the varied values, and which dotted plan
 * keys a sweep may vary.
 */
import { nearest, PlanError } from "../errors.js";
import { parseDecimal } from "../guard/number.js";
import {
  objectFields,
  planSchema,
  type ResolvedPlan,
  type SchemaNode,
  unionBranch,
  unwrapSchema,
} from "../plan/schema.js";

/** A varied value: a number when the text is numeric, else the text. */
export type VaryValue = number | string;

/** One `--vary key=v1,v2,...`. */
export interface VarySpec {
  key: string;
  values: VaryValue[];
}

/** Read a `--vary` value: numeric text becomes a number, anything else stays text. */
export function parseVaryValue(text: string): VaryValue {
  const t = text.trim();
  return parseDecimal(t) ?? t;
}

/** Parse one `--vary key=v1,v2,...`. */
export function parseVary(text: string): VarySpec {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new PlanError(
      "--vary",
      text,
      "allowed: key=v1,v2,... with a dotted plan key, e.g. pattern.coverage=0.05,0.1",
    );
  const key = text.slice(0, eq).trim();
  const parts = text.slice(eq + 1).split(",");
  if (parts.some((p) => p.trim() === ""))
    throw new PlanError(
      `--vary ${key}`,
      text.slice(eq + 1),
      "allowed: comma-separated values, none empty, e.g. 0.05,0.1,0.2",
    );
  const values = parts.map(parseVaryValue);
  const seen = new Set<string>();
  for (const v of values) {
    const id = `${typeof v}:${v}`;
    if (seen.has(id)) throw new PlanError(`--vary ${key}`, v, "allowed: each value once");
    seen.add(id);
  }
  return { key, values };
}

/** The cross product of the varied values, first key outermost (it changes slowest). */
export function crossProduct(specs: readonly VarySpec[]): VaryValue[][] {
  let out: VaryValue[][] = [[]];
  for (const s of specs) {
    const next: VaryValue[][] = [];
    for (const prefix of out) for (const v of s.values) next.push([...prefix, v]);
    out = next;
  }
  return specs.length === 0 ? [] : out;
}

function collectKeys(s: SchemaNode, value: unknown, prefix: string, out: string[]): void {
  const node = unionBranch(s, value) ?? unwrapSchema(s);
  // A plan's passes: each pass's keys as passes.<k>.<key> (docs/passes.md).
  if (prefix === "passes" && node._def.typeName === "ZodArray" && Array.isArray(value)) {
    for (let k = 0; k < value.length; k++)
      collectKeys(node._def.type as SchemaNode, value[k], `passes.${k}`, out);
    return;
  }
  const fields = objectFields(node);
  if (fields)
    for (const [k, sub] of Object.entries(fields))
      collectKeys(
        sub,
        (value as Record<string, unknown> | undefined)?.[k],
        prefix ? `${prefix}.${k}` : k,
        out,
      );
  else if (prefix) out.push(prefix);
}

/** Every dotted key a plan like `plan` can set (its area shape's keys, the inline laser's keys). */
export function planKeys(plan: ResolvedPlan): string[] {
  const out: string[] = [];
  collectKeys(planSchema as unknown as SchemaNode, plan, "", out);
  return out;
}

/** Refuse a key the plan does not have, with a hint. */
export function checkVaryKey(key: string, known: readonly string[]): void {
  if (known.includes(key)) return;
  let hint = nearest(key, known);
  if (!hint) {
    const tail = known.filter((k) => k.endsWith(`.${key}`));
    if (tail.length === 1) hint = tail[0];
  }
  const examples = [
    "pattern.coverage",
    "pulse.energyMj",
    "spot.diameterUm",
    "sequence.order",
    "pattern.lattice",
  ];
  throw new PlanError(
    "--vary",
    key,
    `unknown plan key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: a dotted plan key such as ${examples.join(", ")}`,
  );
}
