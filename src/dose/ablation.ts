/**
 * Depth per pulse (docs/model.md) and the thermal zone (docs/model.md): the three ablation models, the
 * calibration tables, and the closed forms (peak, crater radius, crater volume) that tests and
 * `solve` use. Depths in µm, fluences in J/cm², energies in mJ.
 */
import { PlanError } from "../errors.js";
import type { Laser, ResolvedPlan } from "../plan/schema.js";
import { type Beam, beamFromPlan, energyForPeakMj, makeBeam, type Profile } from "./beam.js";
import type { ReHitTable } from "./rehit.js";

/** µm per cm, to turn an absorption coefficient in 1/cm into 1/µm. */
const UM_PER_CM = 1e4;
/**
 * Power-law exponent used to extrapolate a calibration table that has a single point:
 * fractional CO2 channel depth grows roughly as E^0.84 (docs/model.md).
 */
export const CALIBRATION_SINGLE_POINT_EXPONENT = 0.84;

/** Per-pulse depth law: `linear` = s·(F − Fth) (steady-state, calibrated), `log` = s·ln(F/Fth) (blow-off). */
export type DepthLaw = "linear" | "log";

/** Everything the splat needs to know about one pulse of a plan. */
export interface DoseModel {
  readonly kind: "ablative" | "nonablative";
  readonly beam: Beam;
  readonly law: DepthLaw;
  /** Ablation threshold Fth, J/cm². */
  readonly thresholdJcm2: number;
  /** linear: µm per J/cm² above threshold (η, or the calibrated equivalent); log: 1/µa, µm. */
  readonly scaleUm: number;
  /** Depth of one pulse on the beam axis, µm (0 for a non-ablative laser). */
  readonly peakDepthUm: number;
  /** Radius where one pulse stops ablating, µm (top-hat: the disc radius). */
  readonly craterRadiusUm: number;
  /** Residual coagulation layer under ablated tissue, µm (docs/model.md). */
  readonly coagulationUm: number;
  /** Non-ablative coagulated column depth per spot, µm (0 for an ablative laser). */
  readonly columnDepthUm: number;
  /** Non-ablative column radius, µm (the spot's 1/e² radius: width ≈ the spot). */
  readonly columnRadiusUm: number;
  /** Relative uncertainty of the laser's depths, % (docs/calibration.md). */
  readonly uncertaintyPct: number;
  /** Notes for the report (extrapolated calibration, spot size rescaled, ...). */
  readonly warnings: readonly string[];
  /** Re-hit efficiency table of the laser, when it has one (docs/rehit.md). */
  readonly reHit?: ReHitTable;
}

/** Energy, mJ, at which the peak fluence reaches the ablation threshold. */
export function thresholdEnergyMj(profile: Profile, radiusUm: number, thresholdJcm2: number): number {
  return energyForPeakMj(profile, thresholdJcm2, radiusUm);
}

/** Depth of one pulse at fluence `fJcm2`, µm (docs/model.md): zero at or below threshold. */
export function depthPerPulseUm(model: DoseModel, fJcm2: number): number {
  if (model.kind !== "ablative") return 0;
  const fth = model.thresholdJcm2;
  if (!(fJcm2 > fth)) return 0;
  return model.law === "linear" ? model.scaleUm * (fJcm2 - fth) : model.scaleUm * Math.log(fJcm2 / fth);
}

/**
 * Crater volume of one pulse, µm³, in closed form. Gaussian linear:
 * V = (π·s·w²/2)(F0 − Fth − Fth·ln(F0/Fth)); Gaussian log: V = π·w²·ln²(F0/Fth)/(4µa)
 * (a paraboloid); top-hat: V = π·w²·depth (a flat disc).
 */
export function craterVolumeUm3(model: DoseModel): number {
  if (model.kind !== "ablative" || model.peakDepthUm <= 0) return 0;
  const w = model.beam.radiusUm;
  const f0 = model.beam.peakFluenceJcm2;
  const fth = model.thresholdJcm2;
  if (model.beam.profile === "tophat") return Math.PI * w * w * model.peakDepthUm;
  const l = Math.log(f0 / fth);
  if (model.law === "linear") return ((Math.PI * model.scaleUm * w * w) / 2) * (f0 - fth - fth * l);
  return (Math.PI * w * w * l * l * model.scaleUm) / 4;
}

/** Interpolation result of a calibration table. */
export interface CalibrationLookup {
  depthUm: number;
  /** True when `energyMj` lies outside the table's energy range. */
  extrapolated: boolean;
}

function sortedPoints(
  points: readonly (readonly [number, number])[],
  positiveOnly: boolean,
): [number, number][] {
  return points
    .filter((p) => !positiveOnly || p[1] > 0)
    .map((p) => [p[0], p[1]] as [number, number])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Peak depth per pulse from `[energyMj, peakDepthUm]` points, interpolated log-log (a power law
 * between neighbours), extrapolated from the end segments outside the table. A single point is
 * extended as E^{@link CALIBRATION_SINGLE_POINT_EXPONENT}.
 */
export function logLogDepthUm(
  points: readonly (readonly [number, number])[],
  energyMj: number,
): CalibrationLookup {
  const pts = sortedPoints(points, true);
  if (pts.length === 0) return { depthUm: 0, extrapolated: true };
  const n = pts.length;
  const extrapolated = energyMj < pts[0][0] || energyMj > pts[n - 1][0];
  if (n === 1)
    return { depthUm: pts[0][1] * (energyMj / pts[0][0]) ** CALIBRATION_SINGLE_POINT_EXPONENT, extrapolated };
  let k = 0;
  while (k < n - 2 && energyMj > pts[k + 1][0]) k++;
  const [e0, d0] = pts[k];
  const [e1, d1] = pts[k + 1];
  if (e1 === e0) return { depthUm: d0, extrapolated };
  const slope = Math.log(d1 / d0) / Math.log(e1 / e0);
  return { depthUm: d0 * (energyMj / e0) ** slope, extrapolated };
}

/**
 * Column depth from `[energyMj, depthUm]` points, piecewise linear, extended linearly from the
 * end segments (never below 0). A single point is a line through the origin.
 */
export function linearDepthUm(
  points: readonly (readonly [number, number])[],
  energyMj: number,
): CalibrationLookup {
  const pts = sortedPoints(points, false);
  const n = pts.length;
  if (n === 0) return { depthUm: 0, extrapolated: true };
  const extrapolated = energyMj < pts[0][0] || energyMj > pts[n - 1][0];
  if (n === 1) return { depthUm: Math.max(0, (pts[0][1] * energyMj) / pts[0][0]), extrapolated };
  let k = 0;
  while (k < n - 2 && energyMj > pts[k + 1][0]) k++;
  const [e0, d0] = pts[k];
  const [e1, d1] = pts[k + 1];
  const t = e1 === e0 ? 0 : (energyMj - e0) / (e1 - e0);
  return { depthUm: Math.max(0, d0 + t * (d1 - d0)), extrapolated };
}

/**
 * The energy a calibration table measured at `calSpotUm` needs to match the fluence of
 * `energyMj` on a spot of `spotUm`: E·(calSpot/spot)² (same average fluence). Calibrations are
 * published for one spot size; for another size we assume depth follows fluence.
 */
export function calibrationEnergyMj(energyMj: number, spotUm: number, calSpotUm: number): number {
  const r = calSpotUm / spotUm;
  return energyMj * r * r;
}

/** Default relative uncertainty, %, of a laser that states none (docs/calibration.md). */
export const DEFAULT_UNCERTAINTY_PCT = 50;

/** What a calibration gives at one spot size and energy. */
export interface CalibrationValue {
  /** Peak depth per pulse (ablative) or column depth (non-ablative), µm. */
  depthUm: number;
  /** Total coagulated depth per pulse, µm, when the calibration has such tables. */
  coagTotalUm?: number;
  /** Column width, µm, when the calibration has such tables. */
  widthUm?: number;
  warnings: string[];
}

type SpotTable = NonNullable<NonNullable<Laser["calibration"]>["spots"]>[number];

function tableRange(points: readonly (readonly [number, number])[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const [e] of points) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  return [lo, hi];
}

const fmt = (v: number): string => String(+v.toPrecision(4));

/**
 * A per-spot-size calibration at `spotUm` and `energyMj`: each measured spot's tables are read
 * log-log in energy; between two measured sizes ln(value) is interpolated linearly in ln(spot);
 * outside the measured sizes the nearest one is used at the same average fluence, with a
 * warning naming the measured sizes.
 */
export function spotCalibration(
  name: string,
  spots: readonly SpotTable[],
  spotUm: number,
  energyMj: number,
): CalibrationValue {
  const warnings: string[] = [];
  const sorted = [...spots].sort((a, b) => a.spotUm - b.spotUm);
  const sizes = sorted.map((t) => t.spotUm);
  const tol = 1e-9 * spotUm;
  let lower = sorted[0];
  let upper = sorted[0];
  let energy = energyMj;
  if (spotUm < sizes[0] - tol || spotUm > sizes[sizes.length - 1] + tol) {
    const nearest = spotUm < sizes[0] ? sorted[0] : sorted[sorted.length - 1];
    lower = upper = nearest;
    energy = calibrationEnergyMj(energyMj, spotUm, nearest.spotUm);
    warnings.push(
      `spot ${fmt(spotUm)} µm is outside ${name}'s measured spot sizes (${sizes.join(", ")} µm); depth taken from the nearest measured size, ${nearest.spotUm} µm, at the same average fluence (${fmt(energy)} mJ there)`,
    );
  } else {
    for (const t of sorted) {
      if (t.spotUm <= spotUm + tol) lower = t;
      if (t.spotUm >= spotUm - tol) {
        upper = t;
        break;
      }
    }
  }
  const t =
    upper.spotUm === lower.spotUm
      ? 0
      : Math.log(spotUm / lower.spotUm) / Math.log(upper.spotUm / lower.spotUm);
  const pick = (key: "depth" | "coagTotal" | "widthUm"): number | undefined => {
    const a = lower[key];
    const b = upper[key];
    if (!a || !b) return undefined;
    const va = logLogDepthUm(a, energy);
    const vb = t === 0 ? va : logLogDepthUm(b, energy);
    if (key === "depth" && (va.extrapolated || vb.extrapolated)) {
      const [lo, hi] = tableRange(a);
      const where =
        lower === upper ? `the ${lower.spotUm} µm spot` : `the ${lower.spotUm}–${upper.spotUm} µm spots`;
      warnings.push(
        `pulse energy ${fmt(energy)} mJ is outside ${name}'s measured range for ${where} (${fmt(lo)}–${fmt(hi)} mJ); depth extrapolated along the fitted power law`,
      );
    }
    if (va.depthUm <= 0 || vb.depthUm <= 0) return 0;
    return Math.exp((1 - t) * Math.log(va.depthUm) + t * Math.log(vb.depthUm));
  };
  return {
    depthUm: pick("depth") ?? 0,
    coagTotalUm: pick("coagTotal"),
    widthUm: pick("widthUm"),
    warnings,
  };
}

/** The calibration of `laser` at a spot size and pulse energy (either calibration form). */
export function calibrationAt(laser: Laser, spotUm: number, energyMj: number): CalibrationValue {
  const cal = laser.calibration;
  if (!cal) return { depthUm: 0, warnings: [] };
  if (cal.spots) return spotCalibration(laser.name, cal.spots, spotUm, energyMj);
  const warnings: string[] = [];
  const calSpot = cal.spotUm as number;
  if (Math.abs(calSpot - spotUm) > 1e-9 * spotUm)
    warnings.push(
      `calibration of ${laser.name} was measured with a ${calSpot} µm spot; depth for the ${spotUm} µm spot assumes the same average fluence (energy scaled by the spot area ratio)`,
    );
  const eCal = calibrationEnergyMj(energyMj, spotUm, calSpot);
  const nonablative = laser.kind === "nonablative";
  const look = (nonablative ? linearDepthUm : logLogDepthUm)(cal.points ?? [], eCal);
  if (look.extrapolated)
    warnings.push(
      nonablative
        ? `pulse energy ${+eCal.toPrecision(4)} mJ (calibration-equivalent) is outside ${laser.name}'s calibration table; column depth extrapolated`
        : `pulse energy ${+eCal.toPrecision(4)} mJ (calibration-equivalent) is outside ${laser.name}'s calibration table; peak depth extrapolated log-log`,
    );
  return { depthUm: look.depthUm, warnings };
}

/**
 * The dose model of a laser and beam. Throws a {@link PlanError} naming `energyField` when an
 * ablative pulse does not reach the ablation threshold.
 */
export function doseModelFor(
  laser: Laser,
  beam: Beam,
  energyField: "pulse.energyMj" | "pulse.fluenceJcm2" = "pulse.energyMj",
): DoseModel {
  const warnings: string[] = [];
  const w = beam.radiusUm;
  const spotUm = 2 * w;
  const f0 = beam.peakFluenceJcm2;
  const fth = laser.thresholdJcm2;
  let coagulationUm = laser.coagulationUm ?? 0;
  const uncertaintyPct = laser.uncertaintyPct ?? DEFAULT_UNCERTAINTY_PCT;

  if (laser.kind === "nonablative") {
    const c = calibrationAt(laser, spotUm, beam.energyMj);
    warnings.push(...c.warnings);
    return {
      kind: "nonablative",
      beam,
      law: "linear",
      thresholdJcm2: fth,
      scaleUm: 0,
      peakDepthUm: 0,
      craterRadiusUm: 0,
      coagulationUm,
      columnDepthUm: c.depthUm,
      columnRadiusUm: c.widthUm !== undefined && c.widthUm > 0 ? c.widthUm / 2 : w,
      uncertaintyPct,
      warnings,
    };
  }

  if (!(f0 > fth)) {
    const eth = thresholdEnergyMj(beam.profile, w, fth);
    const avgTh = eth / 1000 / (Math.PI * (w / UM_PER_CM) ** 2);
    const given =
      energyField === "pulse.energyMj" ? +beam.energyMj.toPrecision(6) : +beam.fluenceJcm2.toPrecision(6);
    const need =
      energyField === "pulse.energyMj"
        ? `more than ${+eth.toPrecision(4)} mJ`
        : `more than ${+avgTh.toPrecision(4)} J/cm² average (${+eth.toPrecision(4)} mJ)`;
    throw new PlanError(
      energyField,
      given,
      `the pulse does not ablate: ${laser.name}'s threshold is ${fth} J/cm² (peak fluence here ${+f0.toPrecision(4)} J/cm²); allowed: ${need} for a ${spotUm} µm ${beam.profile} spot`,
    );
  }
  const craterRadiusUm = beam.profile === "gaussian" ? w * Math.sqrt(Math.log(f0 / fth) / 2) : w;

  if (laser.model === "blow-off") {
    const scaleUm = UM_PER_CM / (laser.absorptionPerCm as number); // 1/µa in µm
    const peakDepthUm = scaleUm * Math.log(f0 / fth);
    return base("log", scaleUm, peakDepthUm);
  }
  if (laser.model === "steady-state") {
    const eta = laser.etaUmPerJcm2 as number;
    return base("linear", eta, eta * (f0 - fth));
  }
  // calibrated: peak from the table, steady-state crater shape scaled to it; the thermal zone
  // under the crater from the total-coagulation table where there is one.
  const c = calibrationAt(laser, spotUm, beam.energyMj);
  warnings.push(...c.warnings);
  if (c.coagTotalUm !== undefined) coagulationUm = Math.max(0, c.coagTotalUm - c.depthUm);
  return base("linear", c.depthUm / (f0 - fth), c.depthUm);

  function base(law: DepthLaw, scaleUm: number, peakDepthUm: number): DoseModel {
    return {
      kind: "ablative",
      beam,
      law,
      thresholdJcm2: fth,
      scaleUm,
      peakDepthUm,
      craterRadiusUm,
      coagulationUm,
      columnDepthUm: 0,
      columnRadiusUm: 0,
      uncertaintyPct,
      warnings,
      ...(laser.reHit ? { reHit: laser.reHit } : {}),
    };
  }
}

/** The dose model of a plan (its laser, spot and pulse). */
export function doseModel(plan: ResolvedPlan): DoseModel {
  const field = plan.pulse.energyMj !== undefined ? "pulse.energyMj" : "pulse.fluenceJcm2";
  const model = doseModelFor(plan.laser, beamFromPlan(plan), field);
  (model.warnings as string[]).push(...dataRangeWarnings(plan, model.beam));
  return model;
}

/**
 * Warnings for a plan whose energy, fluence, spot size, stack or pulse duration lies outside
 * the measurements its laser rests on (`laser.dataRange`).
 */
export function dataRangeWarnings(plan: ResolvedPlan, beam: Beam): string[] {
  const r = plan.laser.dataRange;
  if (!r) return [];
  const out: string[] = [];
  const check = (what: string, v: number, range: readonly [number, number] | undefined, unit: string) => {
    if (!range) return;
    const [lo, hi] = range;
    if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9))
      out.push(
        `${what} ${fmt(v)} ${unit} lies outside ${plan.laser.name}'s data (${lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`} ${unit}): the depth there is a model extrapolation`,
      );
  };
  // A per-spot calibration already warns about energies and spot sizes outside its tables.
  if (!plan.laser.calibration?.spots) {
    check("pulse energy", beam.energyMj, r.energyMj, "mJ");
    check("spot size", 2 * beam.radiusUm, r.spotUm, "µm");
  }
  check("average fluence", beam.fluenceJcm2, r.fluenceJcm2, "J/cm²");
  check("pulse stack", plan.pulse.stack, r.pulses, "pulses");
  check("pulse duration", plan.scanner.pulseUs, r.pulseUs, "µs");
  return out;
}

/** The dose model of a plan with its pulse energy replaced by `energyMj` (for `solve`). */
export function doseModelAtEnergy(plan: ResolvedPlan, energyMj: number): DoseModel {
  return doseModelFor(
    plan.laser,
    makeBeam(plan.spot.profile, plan.spot.diameterUm / 2, energyMj),
    "pulse.energyMj",
  );
}
