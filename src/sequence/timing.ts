/**
 * Point-and-shoot galvo timing (docs/model.md): first-pulse time per spot, treatment time, jump
 * path length and per-stamp durations.
 */
import { galvoTiming } from "../wasm/scan.js";

/** The scanner settings the timing needs (plan `scanner`). */
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
 * ms-per-mm and ms-per-µs factors are computed once here; the loop runs in the WebAssembly module
 * (IEEE arithmetic and `sqrt`: the same bits as JavaScript would give).
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
  return galvoTiming({
    x: xMm,
    y: yMm,
    stamp,
    pulses,
    centre: centreMm,
    stampCount,
    periodMs: 1000 / scanner.repRateHz,
    jumpDelayMs: scanner.jumpDelayUs / 1000,
    pulseMs: scanner.pulseUs / 1000,
    msPerMm: 1000 / scanner.jumpSpeedMmS,
    stampMoveMs: scanner.stampMoveMs,
  });
}
