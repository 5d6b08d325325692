/**
 * Fitting a laser to measured craters (docs/calibration.md): the three depth models of the dose
 * simulator, weighted by evidence level, with per-row residuals, the RMS log error and the
 * laser's stated uncertainty. Used by `laserscan calibrate` and by `npm run presets:fit`.
 */
import { doseModelFor } from "../dose/ablation.js";
import { makeBeam } from "../dose/beam.js";
import { stackedDepthUm } from "../dose/rehit.js";
import { PlanError } from "../errors.js";
import type { Laser } from "../plan/schema.js";
import { EVIDENCE_LEVELS, EVIDENCE_WEIGHT, type Evidence, type Measurement } from "./csv.js";
import { fitReHitFromStacks, type StackFit } from "./rehit.js";

export type FitModel = "calibrated" | "steady-state" | "blow-off";
export const FIT_MODELS: readonly FitModel[] = ["calibrated", "steady-state", "blow-off"];

/** Spot assumed for a row that gives a fluence but no spot size (a flat full-field beam), µm. */
export const NOMINAL_FLAT_SPOT_UM = 2000;

/**
 * Lowest relative uncertainty a fit may state, by best evidence level: [one source, two or
 * more independent sources]. Device, body site and operator differ between studies by more than
 * any one study's scatter, so a fit through one study's points is not better than this.
 */
export const EVIDENCE_FLOOR: Record<Evidence, [number, number]> = {
  "in-vivo-human": [0.25, 0.15],
  "ex-vivo-human": [0.3, 0.2],
  animal: [0.35, 0.25],
  simulation: [0.5, 0.4],
  claim: [0.5, 0.5],
};
/** Floor for a user's own measurements (`laserscan calibrate`): repeatability of crater sizing. */
export const OWN_DATA_FLOOR = 0.1;

const UM_PER_CM = 1e4;

/** Average fluence E/(πw²), J/cm², of `energyMj` on a spot of 1/e² diameter `spotUm`. */
export function averageFluence(energyMj: number, spotUm: number): number {
  const wCm = spotUm / 2 / UM_PER_CM;
  return energyMj / 1000 / (Math.PI * wCm * wCm);
}

/** Energy, mJ, of average fluence `fJcm2` on a spot of 1/e² diameter `spotUm`. */
export function energyFromFluence(fJcm2: number, spotUm: number): number {
  const wCm = spotUm / 2 / UM_PER_CM;
  return fJcm2 * Math.PI * wCm * wCm * 1000;
}

/** Spot and energy of a row (a flat nominal spot when the row gives only a fluence). */
export function rowBeam(m: Measurement): {
  spotUm: number;
  energyMj: number;
  profile: "gaussian" | "tophat";
} {
  const spotUm = m.spotUm ?? NOMINAL_FLAT_SPOT_UM;
  const profile = m.spotUm === undefined ? "tophat" : m.profile;
  const energyMj = m.energyMj ?? energyFromFluence(m.fluenceJcm2 as number, spotUm);
  return { spotUm, energyMj, profile };
}

function peakFluence(m: Measurement): number {
  const b = rowBeam(m);
  const avg = averageFluence(b.energyMj, b.spotUm);
  return b.profile === "gaussian" ? 2 * avg : avg;
}

/** Weighted least squares y = a + b·x. */
export function weightedLine(xs: readonly number[], ys: readonly number[], ws: readonly number[]) {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += ws[i];
    sx += ws[i] * xs[i];
    sy += ws[i] * ys[i];
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxx += ws[i] * (xs[i] - mx) ** 2;
    sxy += ws[i] * (xs[i] - mx) * (ys[i] - my);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

function weight(m: Measurement): number {
  return Math.max(EVIDENCE_WEIGHT[m.evidence], 0);
}

function distinct(values: readonly number[]): number {
  return new Set(values.map((v) => v.toPrecision(9))).size;
}

/**
 * Power law v = A·E^b through `[energy, value]` rows (weighted, in log-log), as a table at the
 * rows' distinct energies. A negative exponent (noise) is clamped to 0: depth never falls with
 * energy.
 */
function powerTable(
  es: number[],
  vs: number[],
  ws: number[],
): { table: [number, number][]; exponent: number } {
  let { a, b } = weightedLine(
    es.map((e) => Math.log(e)),
    vs.map((v) => Math.log(v)),
    ws,
  );
  if (b < 0) {
    const fit = weightedLine(
      es.map(() => 0),
      vs.map((v) => Math.log(v)),
      ws,
    );
    a = fit.a;
    b = 0;
  }
  const energies = [...new Set(es)].sort((x, y) => x - y);
  return { table: energies.map((e) => [e, round(Math.exp(a + b * Math.log(e)), 1)]), exponent: b };
}

/** One row's measured and fitted value. */
export interface Residual {
  row: number;
  what: "depth" | "coag";
  spotUm: number;
  energyMj: number;
  pulses: number;
  measuredUm: number;
  fittedUm: number;
  source: string;
  evidence: Evidence;
  /** A stacked row's pulse interval, ms (its fitted depth uses the fitted re-hit table). */
  intervalMs?: number;
}

/** A fit: the fitted laser, its parameters, each row's residual and the RMS log error. */
export interface FitResult {
  laser: Laser;
  params: Record<string, number | string>;
  residuals: Residual[];
  rmsLogError: number;
  /** The re-hit table fitted from rows with an `intervalMs` (absent without such rows). */
  reHit?: StackFit;
  /** What the fit had to assume or change (empty when nothing). */
  warnings: string[];
}

/** Depth (peak × pulses) and total coagulated depth the laser predicts for a row, µm. */
export function predictRow(laser: Laser, m: Measurement): { depthUm: number; coagUm: number } {
  const b = rowBeam(m);
  const model = doseModelFor(laser, makeBeam(b.profile, b.spotUm / 2, b.energyMj));
  if (model.kind === "nonablative") return { depthUm: model.columnDepthUm, coagUm: model.columnDepthUm };
  const depth = model.peakDepthUm * m.pulses;
  return { depthUm: depth, coagUm: depth + model.coagulationUm };
}

/** Options of {@link fitLaser}. */
export interface FitOptions {
  /** Keep the base laser's threshold when the data hold a single fluence (preset fits only). */
  keepThresholdIfSingle?: boolean;
  /** Floor of the stated uncertainty (default: by evidence level, {@link EVIDENCE_FLOOR}). */
  floor?: number;
}

/**
 * Fit `model` to the rows (those with a depth) and merge the result into `base` (which gives
 * name, wavelength, kind and everything the data cannot). Throws a {@link PlanError} naming a
 * row and column when there are fewer rows than parameters.
 */
export function fitLaser(
  base: Laser,
  rows: readonly Measurement[],
  model: FitModel,
  opts: FitOptions = {},
): FitResult {
  const all = rows.filter((m) => m.depthUm !== undefined && weight(m) > 0);
  // Stacked rows (with a pulse interval) fit the re-hit table against the single-pulse fit.
  const ms = all.filter((m) => m.intervalMs === undefined);
  const stacks = all.filter((m) => m.intervalMs !== undefined);
  if (ms.length === 0 && stacks.length > 0)
    throw new PlanError(
      `row ${stacks[0].row}, column intervalMs`,
      stacks[0].intervalMs,
      "required: rows without an intervalMs too (the single-pulse fit each stack is compared with)",
    );
  if (stacks.length > 0 && base.kind !== "ablative")
    throw new PlanError(
      `row ${stacks[0].row}, column intervalMs`,
      stacks[0].intervalMs,
      `allowed only for an ablative laser (${base.name} is ${base.kind}): re-hit efficiency is about ablated depth`,
    );
  if (ms.length === 0)
    throw new PlanError("row 1, column depthUm", undefined, "required: at least one measured depth");
  const laser: Laser = { ...base, model };
  const params: Record<string, number | string> = {};
  delete laser.etaUmPerJcm2;
  delete laser.absorptionPerCm;
  if (model === "calibrated") {
    const groups = new Map<number, Measurement[]>();
    for (const m of ms) {
      if (m.spotUm === undefined)
        throw new PlanError(`row ${m.row}, column spotUm`, undefined, "required for the calibrated model");
      groups.set(m.spotUm, [...(groups.get(m.spotUm) ?? []), m]);
    }
    const spots = [...groups.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([spotUm, g]) => {
        const es = g.map((m) => rowBeam(m).energyMj);
        if (distinct(es) < 2)
          throw new PlanError(
            `row ${g[0].row}, column ${g[0].energyMj !== undefined ? "energyMj" : "fluenceJcm2"}`,
            g[0].energyMj ?? g[0].fluenceJcm2,
            `fewer rows than parameters for spot ${spotUm} µm: a power law needs at least 2 different energies`,
          );
        const depth = powerTable(
          es,
          g.map((m) => (m.depthUm as number) / m.pulses),
          g.map(weight),
        );
        params[`spot ${spotUm} µm depth exponent`] = round(depth.exponent, 3);
        const cg = g.filter((m) => m.coagUm !== undefined);
        const ces = cg.map((m) => rowBeam(m).energyMj);
        const out: NonNullable<NonNullable<Laser["calibration"]>["spots"]>[number] = {
          spotUm,
          depth: depth.table,
        };
        if (distinct(ces) >= 2) {
          // Per pulse: the measured thermal layer (total − ablation) under one pulse's depth.
          const coag = powerTable(
            ces,
            cg.map((m) => (m.coagUm as number) - ((m.depthUm as number) * (m.pulses - 1)) / m.pulses),
            cg.map(weight),
          );
          out.coagTotal = coag.table;
          params[`spot ${spotUm} µm coagulation exponent`] = round(coag.exponent, 3);
        }
        return out;
      });
    laser.calibration = { spots };
  } else {
    const f0 = ms.map(peakFluence);
    const ys = ms.map((m) => (m.depthUm as number) / m.pulses);
    const ws = ms.map(weight);
    const single = distinct(f0) < 2;
    if (single && !(opts.keepThresholdIfSingle && base.thresholdJcm2 > 0))
      throw new PlanError(
        `row ${ms[0].row}, column ${ms[0].energyMj !== undefined ? "energyMj" : "fluenceJcm2"}`,
        ms[0].energyMj ?? ms[0].fluenceJcm2,
        `fewer rows than parameters: the ${model} model needs at least 2 different fluences`,
      );
    const xs = model === "steady-state" ? f0 : f0.map((f) => Math.log(f));
    let slope: number;
    let fth: number;
    if (single) {
      fth = base.thresholdJcm2;
      const x0 = model === "steady-state" ? fth : Math.log(fth);
      slope = ys.reduce((s, y, i) => s + ws[i] * y, 0) / ys.reduce((s, _y, i) => s + ws[i] * (xs[i] - x0), 0);
    } else {
      const { a, b } = weightedLine(xs, ys, ws);
      slope = b;
      fth = model === "steady-state" ? -a / b : Math.exp(-a / b);
    }
    if (!(slope > 0) || !(fth > 0) || !Number.isFinite(fth))
      throw new PlanError(
        `row ${ms[0].row}, column depthUm`,
        ms.length,
        `the ${model} model does not fit these rows (slope ${round(slope, 4)}, threshold ${round(fth, 4)} J/cm²); depth must grow with fluence above a positive threshold`,
      );
    laser.thresholdJcm2 = round(fth, 3);
    if (model === "steady-state") laser.etaUmPerJcm2 = round(slope, 3);
    else laser.absorptionPerCm = round(UM_PER_CM / slope, 1);
    delete laser.calibration;
    params.thresholdJcm2 = laser.thresholdJcm2;
    if (model === "steady-state") params.etaUmPerJcm2 = laser.etaUmPerJcm2 as number;
    else params.absorptionPerCm = laser.absorptionPerCm as number;
  }
  // Residuals through the dose model itself.
  const residuals: Residual[] = [];
  for (const m of ms) {
    const b = rowBeam(m);
    const p = predictRow(laser, m);
    const common = {
      row: m.row,
      spotUm: b.spotUm,
      energyMj: round(b.energyMj, 4),
      pulses: m.pulses,
      source: m.source,
      evidence: m.evidence,
    };
    residuals.push({
      ...common,
      what: "depth",
      measuredUm: m.depthUm as number,
      fittedUm: round(p.depthUm, 1),
    });
    const hasCoagTable = laser.calibration?.spots?.some((s) => s.spotUm === m.spotUm && s.coagTotal);
    if (m.coagUm !== undefined && hasCoagTable)
      residuals.push({ ...common, what: "coag", measuredUm: m.coagUm, fittedUm: round(p.coagUm, 1) });
  }
  let reHit: StackFit | undefined;
  if (stacks.length > 0) {
    const single = stacks.map((m) => {
      try {
        return predictRow(laser, { ...m, pulses: 1 }).depthUm;
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        return 0; // below the fitted threshold: refused by fitReHitFromStacks, naming the row
      }
    });
    reHit = fitReHitFromStacks(
      stacks.map((m, i) => ({
        row: m.row,
        pulses: m.pulses,
        intervalMs: m.intervalMs as number,
        depthUm: m.depthUm as number,
        singleUm: single[i],
        energyColumn: m.energyMj !== undefined ? "energyMj" : "fluenceJcm2",
      })),
    );
    const table = reHit.table;
    laser.reHit = table;
    stacks.forEach((m, i) => {
      const b = rowBeam(m);
      residuals.push({
        row: m.row,
        what: "depth",
        spotUm: b.spotUm,
        energyMj: round(b.energyMj, 4),
        pulses: m.pulses,
        measuredUm: m.depthUm as number,
        fittedUm: round(stackedDepthUm(table, single[i], m.pulses, m.intervalMs as number), 1),
        source: m.source,
        evidence: m.evidence,
        intervalMs: m.intervalMs,
      });
    });
    residuals.sort((a, b) => a.row - b.row);
  }
  const rms = Math.sqrt(
    residuals.reduce((s, r) => s + Math.log(r.fittedUm / r.measuredUm) ** 2, 0) /
      Math.max(1, residuals.length),
  );
  const sources = new Set(all.map((m) => m.source)).size;
  const best = EVIDENCE_LEVELS.find((e) => all.some((m) => m.evidence === e)) as Evidence;
  const floor = opts.floor ?? EVIDENCE_FLOOR[best][sources >= 2 ? 1 : 0];
  laser.uncertaintyPct = Math.ceil(100 * Math.sqrt(rms * rms + floor * floor));
  const energies = ms.map((m) => rowBeam(m).energyMj);
  const range = (vs: number[]): [number, number] => [round(Math.min(...vs), 4), round(Math.max(...vs), 4)];
  laser.dataRange = {
    ...(model === "calibrated"
      ? { energyMj: range(energies) }
      : { fluenceJcm2: range(ms.map((m) => averageFluence(rowBeam(m).energyMj, rowBeam(m).spotUm))) }),
    ...(ms.every((m) => m.spotUm !== undefined) ? { spotUm: range(ms.map((m) => m.spotUm as number)) } : {}),
    pulses: range(all.map((m) => m.pulses)), // stacks too: the re-hit table covers them
  };
  laser.fit = {
    model,
    rows: all.length,
    sources,
    evidence: best,
    rmsLogError: round(rms, 4),
  };
  return {
    laser,
    params,
    residuals,
    rmsLogError: rms,
    ...(reHit ? { reHit } : {}),
    warnings: reHit?.warnings ?? [],
  };
}

/** The order of keys in a written laser file. */
const KEY_ORDER = [
  "name",
  "description",
  "wavelengthNm",
  "kind",
  "model",
  "thresholdJcm2",
  "etaUmPerJcm2",
  "absorptionPerCm",
  "calibration",
  "coagulationUm",
  "uncertaintyPct",
  "dataRange",
  "reHit",
  "fit",
  "sources",
  "notes",
];

/** A laser as JSON text in a fixed key order (same laser, same bytes). */
export function laserJson(laser: Laser | Record<string, unknown>): string {
  const l = laser as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of KEY_ORDER) if (l[k] !== undefined) ordered[k] = l[k];
  for (const k of Object.keys(l)) if (!(k in ordered) && l[k] !== undefined) ordered[k] = l[k];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
