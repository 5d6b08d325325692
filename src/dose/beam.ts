/**
 * Beam profiles (docs/model.md): fluence of a Gaussian or top-hat microbeam of pulse energy `E`
 * and 1/e² radius `w`. Energies in mJ, radii in µm, fluences in J/cm².
 */
import type { ResolvedPlan } from "../plan/schema.js";

/** µm per cm. */
export const UM_PER_CM = 1e4;
/** mJ per J. */
const MJ_PER_J = 1000;

/** Beam profile names (docs/model.md). */
export type Profile = "gaussian" | "tophat";

/** One pulse of one microbeam. */
export interface Beam {
  readonly profile: Profile;
  /** 1/e² radius w (top-hat: disc radius), µm. */
  readonly radiusUm: number;
  /** Pulse energy, mJ. */
  readonly energyMj: number;
  /** Average fluence E/(πw²), J/cm² (what device panels state). */
  readonly fluenceJcm2: number;
  /** Peak fluence F0, J/cm² (Gaussian 2E/(πw²), top-hat E/(πw²)). */
  readonly peakFluenceJcm2: number;
}

/** Disc area πw², cm², of a radius in µm. */
export function discAreaCm2(radiusUm: number): number {
  const wCm = radiusUm / UM_PER_CM;
  return Math.PI * wCm * wCm;
}

/** Peak fluence F0, J/cm², of a pulse of `energyMj` with radius `radiusUm`. */
export function peakFluenceJcm2(profile: Profile, energyMj: number, radiusUm: number): number {
  const avg = energyMj / MJ_PER_J / discAreaCm2(radiusUm);
  return profile === "gaussian" ? 2 * avg : avg;
}

/** Pulse energy, mJ, whose peak fluence is `peakJcm2` (inverse of {@link peakFluenceJcm2}). */
export function energyForPeakMj(profile: Profile, peakJcm2: number, radiusUm: number): number {
  const avg = profile === "gaussian" ? peakJcm2 / 2 : peakJcm2;
  return avg * discAreaCm2(radiusUm) * MJ_PER_J;
}

/** Fluence, J/cm², at distance `rUm` from the beam axis. */
export function fluenceAtJcm2(beam: Beam, rUm: number): number {
  const w = beam.radiusUm;
  if (beam.profile === "gaussian") return beam.peakFluenceJcm2 * Math.exp((-2 * rUm * rUm) / (w * w));
  return rUm <= w ? beam.peakFluenceJcm2 : 0;
}

/** A beam from explicit settings. */
export function makeBeam(profile: Profile, radiusUm: number, energyMj: number): Beam {
  const fluenceJcm2 = energyMj / MJ_PER_J / discAreaCm2(radiusUm);
  return {
    profile,
    radiusUm,
    energyMj,
    fluenceJcm2,
    peakFluenceJcm2: profile === "gaussian" ? 2 * fluenceJcm2 : fluenceJcm2,
  };
}

/** The beam of a plan: `pulse.energyMj`, or `pulse.fluenceJcm2` (average) turned into energy. */
export function beamFromPlan(plan: ResolvedPlan): Beam {
  const radiusUm = plan.spot.diameterUm / 2;
  const energyMj =
    plan.pulse.energyMj ?? (plan.pulse.fluenceJcm2 as number) * discAreaCm2(radiusUm) * MJ_PER_J;
  return makeBeam(plan.spot.profile, radiusUm, energyMj);
}
