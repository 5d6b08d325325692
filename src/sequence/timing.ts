/**
 * Point-and-shoot galvo timing (SPEC §3.5): first-pulse time per spot, treatment time, jump
 * path length and per-stamp durations, exactly as the spec's pseudo-code.
 */
import { copyIn, copyOut, kernelInstance, releaseInstance } from "../wasm.js";

/** The scanner settings the timing needs (plan `scanner`, SPEC §4.1). */
export interface ScannerTiming {
  jumpSpeedMmS: number;
  jumpDelayUs: number;
  pulseUs: number;
  repRateHz: number;
  stampMoveMs: number;
}

/** Timing of a scan. */
export interface Timing {
  /** First-pulse time per spot in firing order, ms from the start of the treatment. */
  tMs: Float64Array;
  /** End of the last pulse of the last spot, ms. */
  treatmentMs: number;
  /** All jumps inside stamps (stamp centre to first spot, spot to spot), mm. */
  pathLengthMm: number;
  /** Per stamp: from arriving at the stamp (after the stamp move) to its last pulse's end, ms. */
  stampMs: Float64Array;
}

/**
 * Time a firing order. `xMm`, `yMm`, `stamp`, `pulses` are in firing order (stamps in visiting
 * order, each stamp's spots contiguous); `centreMm` holds the stamp centres as x, y pairs. The
 * loop is SPEC §3.5's pseudo-code (the ms-per-mm and ms-per-µs factors computed once, as
 * before), run in the WebAssembly module (assembly/scan.ts): IEEE arithmetic and `sqrt`, the same
 * bits as the JavaScript it replaces.
 */
export function scanTiming(
  xMm: Float64Array,
  yMm: Float64Array,
  stamp: Uint32Array,
  pulses: Uint32Array,
  centreMm: Float64Array,
  stampCount: number,
  scanner: ScannerTiming,
): Timing {
  const n = xMm.length;
  const ex = kernelInstance<{ timing(...args: number[]): number }>();
  const at = {
    x: copyIn(ex, xMm),
    y: copyIn(ex, yMm),
    stamp: copyIn(ex, stamp),
    pulses: copyIn(ex, pulses),
    centre: copyIn(ex, centreMm),
    t: ex.alloc(8 * n),
    stampMs: ex.alloc(8 * stampCount),
    path: ex.alloc(8),
  };
  const treatmentMs = ex.timing(
    n,
    at.x,
    at.y,
    at.stamp,
    at.pulses,
    at.centre,
    1000 / scanner.repRateHz,
    scanner.jumpDelayUs / 1000,
    scanner.pulseUs / 1000,
    1000 / scanner.jumpSpeedMmS,
    scanner.stampMoveMs,
    at.t,
    at.stampMs,
    at.path,
  );
  const timing = {
    tMs: copyOut(ex, Float64Array, at.t, n),
    treatmentMs,
    pathLengthMm: copyOut(ex, Float64Array, at.path, 1)[0],
    stampMs: copyOut(ex, Float64Array, at.stampMs, stampCount),
  };
  releaseInstance(ex);
  return timing;
}
