/**
 * The plan file: one zod schema with every key name, units in every name and documented
 * defaults (docs/formats.md lists them). Validation with readable errors is in validate.ts.
 */
import { createRequire } from "node:module";
import type { z as Z } from "zod/v3";
import { describeValue } from "../errors.js";

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

/** Scanner defaults: a typical point-and-shoot galvo head. */
export const SCANNER_DEFAULTS = {
  fieldMm: [20, 20] as [number, number],
  jumpSpeedMmS: 3000,
  jumpDelayUs: 150,
  pulseUs: 500,
  repRateHz: 1000,
  overlapMm: 0,
  stampMoveMs: 1000,
};
/** Default microbeam diameter (1/e²), µm: the common fractional CO2 spot. */
export const DEFAULT_SPOT_UM = 120;
/** Default raster pixel, µm (docs/formats.md). */
export const DEFAULT_PIXEL_UM = 10;
/** Default sub-lattice size for `interleave` (docs/model.md). */
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

/** An inline laser (docs/formats.md); preset files add `description`, `sources`, `notes`. */
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
    /** Re-hit efficiency: [interval ms, efficiency] rows, intervals increasing (docs/rehit.md). */
    reHit: z
      .array(z.tuple([positive(), finite().gt(0).lte(1)]))
      .min(1)
      .optional(),
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
    if (l.reHit)
      for (let i = 1; i < l.reHit.length; i++)
        if (!(l.reHit[i][0] > l.reHit[i - 1][0]))
          ctx.addIssue({
            code: "custom",
            path: ["reHit", i, 0],
            message: "allowed: intervals (ms) increasing from row to row",
          });
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
    /** Wait between passes, ms (docs/passes.md); absent = 0. No default, so one-pass plans keep their bytes. */
    passGapMs: nonNegative().optional(),
    /** The aiming (pilot) beam tracing the area outline before each stamp fires (docs/passes.md). */
    aim: z
      .strictObject({
        loops: finite().int().min(1).max(100).default(1),
        speedMmS: positive().optional(),
      })
      .optional(),
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

/** Most passes a plan may have. */
export const MAX_PASSES = 64;

/**
 * One pass: a partial plan merged over the base plan (docs/passes.md). No defaults here: what a
 * pass leaves out comes from the base. A density or energy key replaces the base's one.
 */
const passSchema = z.strictObject({
  pattern: z
    .strictObject({
      lattice: z.enum(LATTICES).optional(),
      coverage: positive().max(100).optional(),
      pitchUm: positive().min(1).optional(),
      densityPerCm2: positive().optional(),
      rotationDeg: finite().optional(),
      offsetMm: xy().optional(),
      jitter: finite().min(0).max(1).optional(),
      seed: seed().optional(),
    })
    .superRefine((p, ctx) => {
      const n = +(p.coverage !== undefined) + +(p.pitchUm !== undefined) + +(p.densityPerCm2 !== undefined);
      if (n > 1)
        ctx.addIssue({
          code: "custom",
          path: [],
          message: `allowed: at most one of coverage, pitchUm, densityPerCm2 (${n} given)`,
        });
    })
    .optional(),
  pulse: z
    .strictObject({
      energyMj: positive().optional(),
      fluenceJcm2: positive().optional(),
      stack: finite().int().min(1).max(1000).optional(),
    })
    .superRefine((p, ctx) => {
      if (p.energyMj !== undefined && p.fluenceJcm2 !== undefined)
        ctx.addIssue({ code: "custom", path: [], message: "allowed: at most one of energyMj, fluenceJcm2" });
    })
    .optional(),
  spot: z
    .strictObject({ diameterUm: positive().optional(), profile: z.enum(PROFILES).optional() })
    .optional(),
  sequence: z
    .strictObject({
      order: z.enum(ORDERS).optional(),
      seed: seed().optional(),
      k: finite().int().min(1).max(64).optional(),
      minStepMm: positive().optional(),
    })
    .optional(),
});
export type PassSpec = Z.output<typeof passSchema>;

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
        /** Shorthand: this many passes spread by sub-pitch offsets (docs/passes.md). */
        passes: finite().int().min(1).max(MAX_PASSES).optional(),
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
        order: z.enum(ORDERS).default("raster"),
        seed: seed().default(1),
        k: finite().int().min(1).max(64).default(DEFAULT_INTERLEAVE_K),
        minStepMm: positive().optional(),
      })
      .default({}),
    raster: z.strictObject({ pixelUm: positive().default(DEFAULT_PIXEL_UM) }).default({}),
    /** Passes fired one after another, each merged over the plan (docs/passes.md). */
    passes: z.array(passSchema).min(1).max(MAX_PASSES).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.passes !== undefined && p.pattern.passes !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["pattern", "passes"],
        message: "allowed: either pattern.passes or a passes array, not both",
      });
    // The pulse must fit the scanner's pulse period (docs/model.md) and the lattice must be real.
    if (p.pattern.pitchUm !== undefined && p.pattern.pitchUm < 1)
      ctx.addIssue({ code: "custom", path: ["pattern", "pitchUm"], message: "allowed: a pitch ≥ 1 µm" });
  });

export type Laser = Z.output<typeof laserSchema>;
export type AreaSpec = Z.output<typeof areaSchema>;
export type Plan = Z.output<typeof planSchema>;
/** A plan whose laser preset name has been replaced by the preset's parameters. */
export type ResolvedPlan = Omit<Plan, "laser"> & { laser: Laser };

// The structure walkers live in schema-walk.ts; the sweep finds the plan's keys with them.
export { objectFields, type SchemaNode, unionBranch, unwrapSchema } from "./schema-walk.js";

export { describeValue };
