/**
 * The plan file (SPEC §4.1): one zod schema with the spec's key names, units in every name,
 * documented defaults, and one translation of schema issues into {@link PlanError}s.
 */
import { createRequire } from "node:module";
import type { z as Z } from "zod";
import { describeValue, nearest, oneOf, PlanError } from "../errors.js";

/**
 * zod through its CommonJS build: the same library, but loading its ~95 files with `require`
 * costs ~30 % less start-up time than through the ES module loader (this is the only module
 * that uses zod, so there is one zod instance).
 */
const { z } = createRequire(import.meta.url)("zod") as { z: typeof Z };

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

const finite = () => z.number();
const positive = () => z.number().positive();
const nonNegative = () => z.number().nonnegative();
const xy = () => z.tuple([finite(), finite()]);
const seed = () => z.number().int().min(0).max(0xffffffff);

const calibrationSchema = z.strictObject({
  spotUm: positive(),
  points: z.array(z.tuple([positive(), nonNegative()])).min(1),
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

export const areaSchema = z.discriminatedUnion("shape", [
  z.strictObject({ shape: z.literal("rect"), widthMm: positive(), heightMm: positive(), originMm: origin() }),
  z.strictObject({ shape: z.literal("circle"), diameterMm: positive(), originMm: origin() }),
  z.strictObject({
    shape: z.literal("ellipse"),
    widthMm: positive(),
    heightMm: positive(),
    originMm: origin(),
  }),
  z.strictObject({ shape: z.literal("polygon"), rings: z.array(ringSchema).min(1), originMm: origin() }),
  z.strictObject({ shape: z.literal("geojson"), path: z.string().min(1), originMm: origin() }),
  z
    .strictObject({
      shape: z.literal("mask"),
      path: z.string().min(1).optional(),
      pixelMm: positive(),
      originMm: origin(),
      // A mask carried inside a scan file: its size and treated runs, so no path is needed.
      widthPx: z.number().int().positive().optional(),
      heightPx: z.number().int().positive().optional(),
      runs: z.array(z.number().int().nonnegative()).optional(),
    })
    .superRefine((m, ctx) => {
      const embedded = m.widthPx !== undefined && m.heightPx !== undefined && m.runs !== undefined;
      if (m.path === undefined && !embedded)
        ctx.addIssue({ code: "custom", path: ["path"], message: "required: the PNG mask file" });
    }),
]);

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
      .prefault({}),
    pulse: z
      .strictObject({
        energyMj: positive().optional(),
        fluenceJcm2: positive().optional(),
        stack: z.number().int().min(1).max(1000).default(1),
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
        jitter: z.number().min(0).max(1).default(0.5),
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
    scanner: scannerSchema.prefault({}),
    sequence: z
      .strictObject({
        order: z.enum(ORDERS).default("spread"),
        seed: seed().default(1),
        k: z.number().int().min(1).max(64).default(DEFAULT_INTERLEAVE_K),
        minStepMm: positive().optional(),
      })
      .prefault({}),
    raster: z.strictObject({ pixelUm: positive().default(DEFAULT_PIXEL_UM) }).prefault({}),
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

type AnySchema = { _zod: { def: Record<string, unknown> } };

/** The zod schema reached by `path` from `schema`, reading `input` to pick union branches. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[], input: unknown): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  let value = input;
  let i = 0;
  while (s) {
    const def = s._zod.def as { type: string; [k: string]: unknown };
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "prefault" ||
      def.type === "nullable"
    ) {
      s = def.innerType as AnySchema;
      continue;
    }
    if (def.type === "pipe") {
      s = def.in as AnySchema;
      continue;
    }
    if (def.type === "union") {
      const options = def.options as AnySchema[];
      const shape = (value as { shape?: unknown } | undefined)?.shape;
      s = options.find((o) => {
        const od = o._zod.def as { shape?: Record<string, AnySchema> };
        const lit = od.shape?.shape?._zod.def as { values?: unknown[] } | undefined;
        return lit?.values?.includes(shape);
      });
      if (!s) return undefined;
      continue;
    }
    if (i === path.length) return s;
    const key = path[i++];
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    if (def.type === "object") s = (def.shape as Record<string, AnySchema>)[key as string];
    else if (def.type === "array") s = def.element as AnySchema;
    else if (def.type === "tuple") s = (def.items as AnySchema[])[key as number];
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

type Issue = Z.core.$ZodIssue;

function issueToError(issue: Issue, input: unknown, root: AnySchema, prefix: string): PlanError {
  const path = issue.path;
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const obj = schemaAt(root, path, input);
      const def = obj?._zod.def as { shape?: Record<string, unknown> } | undefined;
      const keys = def?.shape ? Object.keys(def.shape) : [];
      const hint = nearest(key, keys);
      return new PlanError(
        fieldName([...path, key], prefix),
        valueAt(input, [...path, key]),
        `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed keys: ${keys.join(", ")}`,
      );
    }
    case "invalid_type": {
      if (value === undefined)
        return new PlanError(fieldName(path, prefix), value, `required: ${article(issue.expected)}`);
      const what = issue.expected === "number" ? "a finite number" : article(issue.expected);
      return new PlanError(fieldName(path, prefix), value, `allowed: ${what}`);
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "array")
        return new PlanError(fieldName(path, prefix), value, `allowed: at least ${min} entries`);
      if (issue.origin === "string")
        return new PlanError(fieldName(path, prefix), value, "allowed: a non-empty string");
      return new PlanError(
        fieldName(path, prefix),
        value,
        `allowed: a number ${issue.inclusive ? "≥" : ">"} ${min}`,
      );
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "array")
        return new PlanError(fieldName(path, prefix), value, `allowed: at most ${max} entries`);
      return new PlanError(
        fieldName(path, prefix),
        value,
        `allowed: a number ${issue.inclusive ? "≤" : "<"} ${max}`,
      );
    }
    case "invalid_value": {
      if (path.at(-1) === "version" && typeof value === "number" && value > PLAN_VERSION)
        return new PlanError(
          fieldName(path, prefix),
          value,
          `this laserscan reads version ${PLAN_VERSION}; the file is from a newer version, upgrade laserscan`,
        );
      const allowed = oneOf(value, issue.values.map(String));
      return new PlanError(
        fieldName(path, prefix),
        value,
        value === undefined ? allowed.replace("allowed", "required") : allowed,
      );
    }
    case "invalid_union": {
      if (path.at(-1) === "area" || (issue as { discriminator?: string }).discriminator === "shape") {
        const shape = (value as { shape?: unknown } | undefined)?.shape;
        return new PlanError(fieldName([...path, "shape"], prefix), shape, oneOf(shape, AREA_SHAPES));
      }
      // laser: a preset name or an inline object; report the deepest branch issue of the object form.
      const branchIssues = issue.errors.flat();
      const objectIssue = branchIssues.find((e) => e.path.length > 0);
      if (objectIssue)
        return issueToError({ ...objectIssue, path: [...path, ...objectIssue.path] }, input, root, prefix);
      return new PlanError(
        fieldName(path, prefix),
        value,
        "allowed: a preset name or an inline laser object",
      );
    }
    case "not_multiple_of":
      return new PlanError(fieldName(path, prefix), value, "allowed: a whole number");
    default:
      return new PlanError(fieldName(path, prefix), value, issue.message);
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/**
 * Validate `input` against `schema`, throwing the first problem as a {@link PlanError}
 * (`prefix` names the file part, e.g. "laser" for a preset file).
 */
export function parseWith<T extends Z.ZodType>(schema: T, input: unknown, prefix = ""): Z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw issueToError(result.error.issues[0], input, schema as unknown as AnySchema, prefix);
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
