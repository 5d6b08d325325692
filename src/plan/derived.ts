/**
 * Quantities derived from a plan (docs/model.md, docs/formats.md): spot radius, pulse energy and average
 * fluence, spot density, lattice pitch and coverage, all with units in their names.
 */
import type { Plan, ResolvedPlan } from "./schema.js";

const UM_PER_CM = 1e4;
const MM2_PER_CM2 = 100;

/** What a plan's spot, pulse and pattern settings come to. */
export interface Derived {
  /** 1/e² radius, µm. */
  radiusUm: number;
  /** Nominal spot disc area πw², cm². */
  spotAreaCm2: number;
  /** Pulse energy, mJ. */
  energyMj: number;
  /** Average fluence E/(πw²), J/cm² (docs/model.md). */
  fluenceJcm2: number;
  /** Peak fluence of the profile, J/cm² (Gaussian 2×average, top-hat = average). */
  peakFluenceJcm2: number;
  /** Requested spots per cm². */
  densityPerCm2: number;
  /** Requested coverage (spots × πw² / area). */
  coverage: number;
  /** Nearest-neighbour lattice pitch, µm (hex: √(2/(√3·density)), others 1/√density). */
  pitchUm: number;
  /** Mean spot spacing 1/√density, mm. */
  spacingMm: number;
}

/** Spots per cm² of a lattice with nearest-neighbour distance `pitchUm`. */
export function densityFromPitch(lattice: string, pitchUm: number): number {
  const pCm = pitchUm / UM_PER_CM;
  return lattice === "hex" ? 2 / (Math.sqrt(3) * pCm * pCm) : 1 / (pCm * pCm);
}

/** Nearest-neighbour distance, µm, of a lattice with `densityPerCm2` spots per cm². */
export function pitchFromDensity(lattice: string, densityPerCm2: number): number {
  const pCm =
    lattice === "hex" ? Math.sqrt(2 / (Math.sqrt(3) * densityPerCm2)) : 1 / Math.sqrt(densityPerCm2);
  return pCm * UM_PER_CM;
}

/** Derive energy, fluence, density, pitch and coverage from a plan. */
export function derive(plan: Plan | ResolvedPlan): Derived {
  const radiusUm = plan.spot.diameterUm / 2;
  const wCm = radiusUm / UM_PER_CM;
  const spotAreaCm2 = Math.PI * wCm * wCm;
  const energyMj = plan.pulse.energyMj ?? (plan.pulse.fluenceJcm2 as number) * 1000 * spotAreaCm2;
  const fluenceJcm2 = energyMj / 1000 / spotAreaCm2;
  const peakFluenceJcm2 = plan.spot.profile === "gaussian" ? 2 * fluenceJcm2 : fluenceJcm2;
  const p = plan.pattern;
  let densityPerCm2: number;
  if (p.densityPerCm2 !== undefined) densityPerCm2 = p.densityPerCm2;
  else if (p.coverage !== undefined) densityPerCm2 = p.coverage / spotAreaCm2;
  else densityPerCm2 = densityFromPitch(p.lattice, p.pitchUm as number);
  return {
    radiusUm,
    spotAreaCm2,
    energyMj,
    fluenceJcm2,
    peakFluenceJcm2,
    densityPerCm2,
    coverage: densityPerCm2 * spotAreaCm2,
    pitchUm: pitchFromDensity(p.lattice, densityPerCm2),
    spacingMm: 10 / Math.sqrt(densityPerCm2),
  };
}

/** Spots per mm² from spots per cm². */
export function perMm2(densityPerCm2: number): number {
  return densityPerCm2 / MM2_PER_CM2;
}
