/**
 * The plan file (SPEC §4.1): one zod schema with the spec's key names, units in every name,
 * documented defaults, and one translation of schema issues into {@link PlanError}s.
 */
import { createRequire } from "node:module";
import type { z as Z } from "zod/v3";
import { describeValue, nearest, oneOf, PlanError } from "../errors.js";

/**
 * zod's classic API (`zod/v3`, shipped in the zod package) through its CommonJS build: it loads
 * in ~15 ms where zod 4's core takes ~90 ms, and a CLI pays that on every run (this module and
 * the sweep's key walker are the only users, so there is one zod instance).
 */
const { z } = createRequire(import.meta.url)("zod/v3") as { z: typeof Z };

/** Plan file format version this build reads and writes. */
export const PLAN_VERSION = 1;

export const LATTICES = ["square", "hex", "jittered", "random", "poisson"] as const;
export const ORDERS = ["raster", "serpentine", "random", "interleave", "spread", "shortest"] as const;
export const PROFILES = ["gaussian", "tophat"] as const;
export const MODELS = ["steady-state", "blow-off", "calibrated"] as const;
export const LASER_KINDS = ["ablative", "nonablative"] as const;
export const AREA_SHAPES = ["rect", "circle", "ellipse", "polygon", "geojson", "mask"] as const;

/** Scanner defaults: the SPEC §4.1 example, a typical point-and-shoot galvo head. */
export const SCANNER_DEFAULTS = {
  fieldMm: [20, 20] as [number, number],
  jumpSpeedMmS: 3000,
  jumpDelayUs: 150,
  pulseUs: 500,
  repRateHz: 1000,
  overlapMm: 0,
  stampMoveMs: 1000,
};
/** Default microbeam diameter (1/e²), µm: the common fractional CO2 spot (REFERENCES.md). */
export const DEFAULT_SPOT_UM = 120;
/** Default raster pixel, µm (SPEC §4.1). */
export const DEFAULT_PIXEL_UM = 10;
/** Default sub-lattice size for `interleave` (SPEC §4.3). */
export const DEFAULT_INTERLEAVE_K = 3;

// zod 3 numbers accept ±Infinity unless asked: every number of a plan is finite.
const finite = () => z.number().finite();
const positive = () => finite().positive();
const nonNegative = () => finite().nonnegative();
const xy = () => z.tuple([finite(), finite()]);
const seed = () => finite().int().min(0).max(0xffffffff);

const energyTable = () => z.array(z.tuple([positive(), nonNegative()])).min(1);
const range = () => z.tuple([finite(), finite()]);

/** One measured spot size of a calibrated laser: `[energyMj, µm]` tables (docs/calibration.md). */
const spotCalibrationSchema = z.strictObject({
  spotUm: positive(),
  /** Peak depth per pulse (ablative) or coagulated column depth (non-ablative). */
  depth: energyTable(),
  /** Total coagulated depth (ablation + thermal zone) per pulse, where measured. */
  coagTotal: energyTable().optional(),
  /** Coagulated column width (non-ablative), where measured. */
  widthUm: energyTable().optional(),
});

/**
 * A calibration: the single-table form `{spotUm, points}` (one spot size, other sizes at equal
 * fluence) or one table per measured spot size `{spots: [...]}`.
 */
const calibrationSchema = z
  .strictObject({
    spotUm: positive().optional(),
    points: energyTable().optional(),
    spots: z.array(spotCalibrationSchema).min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const single = c.spotUm !== undefined || c.points !== undefined;
    if (single && c.spots !== undefined)
      ctx.addIssue({ code: "custom", path: ["spots"], message: "allowed: either spots or spotUm + points" });
    else if (!single && c.spots === undefined)
      ctx.addIssue({ code: "custom", path: ["spots"], message: "required: spots, or spotUm + points" });
    else if (single && c.spotUm === undefined)
      ctx.addIssue({ code: "custom", path: ["spotUm"], message: "required: a number > 0 with points" });
    else if (single && c.points === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["points"],
        message: "required: [energyMj, µm] pairs with spotUm",
      });
  });

/** Where a laser's measurements lie: outside these a report warns (docs/calibration.md). */
const dataRangeSchema = z.strictObject({
  energyMj: range().optional(),
  fluenceJcm2: range().optional(),
  spotUm: range().optional(),
  pulses: range().optional(),
  pulseUs: range().optional(),
});

/** How a laser's numbers were fitted (written by `presets:fit` and `laserscan calibrate`). */
const fitSummarySchema = z.strictObject({
  model: z.enum(["calibrated", "steady-state", "blow-off"]),
  rows: finite().int().nonnegative(),
  sources: finite().int().nonnegative(),
  evidence: z.string(),
  rmsLogError: nonNegative(),
  note: z.string().optional(),
});

/** An inline laser (SPEC §4.1); preset files add `description`, `sources`, `notes`. */
export const laserSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    wavelengthNm: positive(),
    kind: z.enum(LASER_KINDS),
    model: z.enum(MODELS),
    thresholdJcm2: nonNegative(),
    etaUmPerJcm2: positive().optional(),
    absorptionPerCm: positive().optional(),
    calibration: calibrationSchema.optional(),
    coagulationUm: nonNegative().default(0),
    /** Relative uncertainty of the depths, % (fit residuals and spread between sources). */
    uncertaintyPct: nonNegative().max(1000).optional(),
    dataRange: dataRangeSchema.optional(),
    fit: fitSummarySchema.optional(),
    sources: z.record(z.string(), z.string()).optional(),
    notes: z.string().optional(),
  })
  .superRefine((l, ctx) => {
    const need = (key: string, when: string) =>
      ctx.addIssue({ code: "custom", path: [key], message: `required when ${when}` });
    if (l.kind === "ablative" && l.model === "steady-state" && l.etaUmPerJcm2 === undefined)
      need("etaUmPerJcm2", 'model is "steady-state"');
    if (l.kind === "ablative" && l.model === "blow-off" && l.absorptionPerCm === undefined)
      need("absorptionPerCm", 'model is "blow-off"');
    if ((l.model === "calibrated" || l.kind === "nonablative") && l.calibration === undefined)
      need("calibration", 'model is "calibrated" or kind is "nonablative"');
    if (l.kind === "ablative" && l.thresholdJcm2 <= 0)
      ctx.addIssue({
        code: "custom",
        path: ["thresholdJcm2"],
        message: "allowed: a number > 0 for an ablative laser",
      });
  });

const origin = () => xy().default([0, 0]);
const ringSchema = z.array(xy()).min(3);

export const areaSchema = z
  .discriminatedUnion("shape", [
    z.strictObject({
      shape: z.literal("rect"),
      widthMm: positive(),
      heightMm: positive(),
      originMm: origin(),
    }),
    z.strictObject({ shape: z.literal("circle"), diameterMm: positive(), originMm: origin() }),
    z.strictObject({
      shape: z.literal("ellipse"),
      widthMm: positive(),
      heightMm: positive(),
      originMm: origin(),
    }),
    z.strictObject({ shape: z.literal("polygon"), rings: z.array(ringSchema).min(1), originMm: origin() }),
    z.strictObject({ shape: z.literal("geojson"), path: z.string().min(1), originMm: origin() }),
    z.strictObject({
      shape: z.literal("mask"),
      path: z.string().min(1).optional(),
      pixelMm: positive(),
      originMm: origin(),
      // A mask carried inside a scan file: its size and treated runs, so no path is needed.
      widthPx: finite().int().positive().optional(),
      heightPx: finite().int().positive().optional(),
      runs: z.array(finite().int().nonnegative()).optional(),
    }),
  ])
  .superRefine((m, ctx) => {
    if (m.shape !== "mask") return;
    const embedded = m.widthPx !== undefined && m.heightPx !== undefined && m.runs !== undefined;
    if (m.path === undefined && !embedded)
      ctx.addIssue({ code: "custom", path: ["path"], message: "required: the PNG mask file" });
  });

const scannerSchema = z
  .strictObject({
    fieldMm: z.tuple([positive(), positive()]).default(SCANNER_DEFAULTS.fieldMm),
    jumpSpeedMmS: positive().default(SCANNER_DEFAULTS.jumpSpeedMmS),
    jumpDelayUs: nonNegative().default(SCANNER_DEFAULTS.jumpDelayUs),
    pulseUs: positive().default(SCANNER_DEFAULTS.pulseUs),
    repRateHz: positive().default(SCANNER_DEFAULTS.repRateHz),
    overlapMm: nonNegative().default(SCANNER_DEFAULTS.overlapMm),
    stampMoveMs: nonNegative().default(SCANNER_DEFAULTS.stampMoveMs),
  })
  .superRefine((s, ctx) => {
    const periodUs = 1e6 / s.repRateHz;
    if (s.pulseUs > periodUs)
      ctx.addIssue({
        code: "custom",
        path: ["pulseUs"],
        message: `allowed: at most the pulse period 1e6 / repRateHz = ${+periodUs.toFixed(3)} µs`,
      });
    const shorter = Math.min(s.fieldMm[0], s.fieldMm[1]);
    if (s.overlapMm >= shorter)
      ctx.addIssue({
        code: "custom",
        path: ["overlapMm"],
        message: `allowed: less than the shorter field side ${shorter} mm`,
      });
  });

export const planSchema = z
  .strictObject({
    version: z.literal(PLAN_VERSION),
    name: z.string().min(1).default("plan"),
    description: z.string().optional(),
    laser: z.union([z.string().min(1), laserSchema]),
    region: z.string().min(1).optional(),
    spot: z
      .strictObject({
        diameterUm: positive().default(DEFAULT_SPOT_UM),
        profile: z.enum(PROFILES).default("gaussian"),
      })
      .default({}),
    pulse: z
      .strictObject({
        energyMj: positive().optional(),
        fluenceJcm2: positive().optional(),
        stack: finite().int().min(1).max(1000).default(1),
      })
      .superRefine((p, ctx) => {
        if ((p.energyMj === undefined) === (p.fluenceJcm2 === undefined))
          ctx.addIssue({
            code: "custom",
            path: [],
            message: "allowed: exactly one of energyMj, fluenceJcm2",
          });
      }),
    pattern: z
      .strictObject({
        lattice: z.enum(LATTICES).default("hex"),
        coverage: positive().max(100).optional(),
        pitchUm: positive().optional(),
        densityPerCm2: positive().optional(),
        rotationDeg: finite().default(0),
        offsetMm: xy().default([0, 0]),
        jitter: finite().min(0).max(1).default(0.5),
        seed: seed().default(1),
      })
      .superRefine((p, ctx) => {
        const n = +(p.coverage !== undefined) + +(p.pitchUm !== undefined) + +(p.densityPerCm2 !== undefined);
        if (n !== 1)
          ctx.addIssue({
            code: "custom",
            path: [],
            message: `allowed: exactly one of coverage, pitchUm, densityPerCm2 (${n} given)`,
          });
      }),
    area: areaSchema,
    scanner: scannerSchema.default({}),
    sequence: z
      .strictObject({
        order: z.enum(ORDERS).default("spread"),
        seed: seed().default(1),
        k: finite().int().min(1).max(64).default(DEFAULT_INTERLEAVE_K),
        minStepMm: positive().optional(),
      })
      .default({}),
    raster: z.strictObject({ pixelUm: positive().default(DEFAULT_PIXEL_UM) }).default({}),
  })
  .superRefine((p, ctx) => {
    // The pulse must fit the scanner's pulse period (SPEC §3.5) and the lattice must be real.
    if (p.pattern.pitchUm !== undefined && p.pattern.pitchUm < 1)
      ctx.addIssue({ code: "custom", path: ["pattern", "pitchUm"], message: "allowed: a pitch ≥ 1 µm" });
  });

export type Laser = Z.output<typeof laserSchema>;
export type AreaSpec = Z.output<typeof areaSchema>;
export type Plan = Z.output<typeof planSchema>;
/** A plan whose laser preset name has been replaced by the preset's parameters. */
export type ResolvedPlan = Omit<Plan, "laser"> & { laser: Laser };

/** A zod schema seen by its structure (zod 3's `_def`), for walking the plan's shape. */
export type SchemaNode = { _def: { typeName: string; [k: string]: unknown } };

/** The schema under its optional, default, nullable and refinement wrappers. */
export function unwrapSchema(schema: SchemaNode): SchemaNode {
  let s = schema;
  for (;;) {
    const def = s._def;
    if (def.typeName === "ZodOptional" || def.typeName === "ZodDefault" || def.typeName === "ZodNullable")
      s = def.innerType as SchemaNode;
    else if (def.typeName === "ZodEffects") s = def.schema as SchemaNode;
    else return s;
  }
}

/** The fields of an object schema (unwrapped), or undefined for any other kind. */
export function objectFields(schema: SchemaNode): Record<string, SchemaNode> | undefined {
  const s = unwrapSchema(schema);
  return s._def.typeName === "ZodObject" ? (s._def.shape as () => Record<string, SchemaNode>)() : undefined;
}

/**
 * The branch of a union schema that `value` takes: the object whose `shape` literal matches
 * `value.shape`, else the only object branch (the inline laser beside a preset name).
 */
export function unionBranch(schema: SchemaNode, value: unknown): SchemaNode | undefined {
  const s = unwrapSchema(schema);
  if (s._def.typeName !== "ZodUnion" && s._def.typeName !== "ZodDiscriminatedUnion") return undefined;
  const objects = (s._def.options as SchemaNode[]).filter((o) => objectFields(o) !== undefined);
  const shape = (value as { shape?: unknown } | undefined)?.shape;
  return (
    objects.find((o) => (objectFields(o)?.shape?._def as { value?: unknown } | undefined)?.value === shape) ??
    (objects.length === 1 ? objects[0] : undefined)
  );
}

/** The schema reached by `path` from `schema`, reading `input` to pick union branches. */
function schemaAt(schema: SchemaNode, path: readonly PropertyKey[], input: unknown): SchemaNode | undefined {
  let s: SchemaNode | undefined = schema;
  let value = input;
  for (let i = 0; s; ) {
    s = unwrapSchema(s);
    const branch = unionBranch(s, value);
    if (branch) {
      s = branch;
      continue;
    }
    if (i === path.length) return s;
    const key = path[i++];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    const def = s._def;
    if (def.typeName === "ZodObject") s = objectFields(s)?.[key as string];
    else if (def.typeName === "ZodArray") s = def.type as SchemaNode;
    else if (def.typeName === "ZodTuple") s = (def.items as SchemaNode[])[key as number];
    else return undefined;
  }
  return undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = (v as Record<PropertyKey, unknown> | undefined)?.[k];
  return v;
}

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

export { describeValue };
