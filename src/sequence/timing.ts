/**
 * Point-and-shoot galvo timing (SPEC §3.5): first-pulse time per spot, treatment time, jump
 * path length and per-stamp durations, exactly as the spec's pseudo-code.
 */

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
 * order, each stamp's spots contiguous); `centreMm` holds the stamp centres as x, y pairs.
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
  const tMs = new Float64Array(n);
  const stampMs = new Float64Array(stampCount);
  const periodMs = 1000 / scanner.repRateHz;
  const jumpDelayMs = scanner.jumpDelayUs / 1000;
  const pulseMs = scanner.pulseUs / 1000;
  const msPerMm = 1000 / scanner.jumpSpeedMmS;
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  let pathLengthMm = 0;
  let current = -1;
  let px = 0;
  let py = 0;
  let stampStart = 0;
  for (let i = 0; i < n; i++) {
    const s = stamp[i];
    if (s !== current) {
      if (current >= 0) {
        stampMs[current] = end - stampStart;
        end += scanner.stampMoveMs;
      }
      current = s;
      stampStart = end;
      px = centreMm[2 * s];
      py = centreMm[2 * s + 1];
    }
    const dx = xMm[i] - px;
    const dy = yMm[i] - py;
    // sqrt, not hypot: IEEE-exact, so times are the same bytes on every machine.
    const jumpMm = Math.sqrt(dx * dx + dy * dy);
    pathLengthMm += jumpMm;
    const arrive = end + jumpMm * msPerMm + jumpDelayMs;
    const ready = lastPulse + periodMs;
    const t = Math.max(arrive, ready);
    tMs[i] = t;
    lastPulse = t + (pulses[i] - 1) * periodMs;
    end = lastPulse + pulseMs;
    px = xMm[i];
    py = yMm[i];
  }
  if (current >= 0) stampMs[current] = end - stampStart;
  return { tMs, treatmentMs: end, pathLengthMm, stampMs };
}
