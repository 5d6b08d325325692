/**
 * A whole treatment (docs/passes.md): the plan's passes fired one after another over the same
 * area, with the aiming beam tracing the area outline before each stamp fires. Timing and the
 * heat index run across the whole treatment in firing order.
 */
import type { Area } from "../area/types.js";
import { generatePattern } from "../pattern/index.js";
import type { Spots } from "../pattern/types.js";
import { expandPasses, isTreatmentPlan } from "../plan/passes.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { HEAT_WARN_MAX, heatIndex, heatStats, KAPPA_MM2_PER_S } from "./heat.js";
import {
  buildScan,
  heatWarning,
  orderSpots,
  overlapWarning,
  type PassInfo,
  type Scan,
  type StampInfo,
} from "./index.js";

/** A treatment: one plan and its spots per pass, and the scan of all passes in firing order. */
export interface Treatment {
  /** The resolved plan of each pass (docs/passes.md). */
  passPlans: ResolvedPlan[];
  /** Each pass's pattern (generation order, not firing order). */
  passSpots: Spots[];
  scan: Scan;
}

/**
 * The area's outline clipped to a field rectangle, as pieces of polyline (x, y pairs): what the
 * aiming beam traces. Closed rings are walked segment by segment (Liang–Barsky clipping); a
 * piece ends where the outline leaves the field.
 */
export function outlineInField(
  rings: readonly Float64Array[],
  closed: boolean,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Float64Array[] {
  const out: Float64Array[] = [];
  const eps = 1e-9;
  for (const r of rings) {
    const m = r.length / 2;
    const segs = closed ? m : m - 1;
    const ringStart = out.length;
    let cur: number[] = [];
    const flush = (): void => {
      if (cur.length >= 4) out.push(Float64Array.from(cur));
      cur = [];
    };
    for (let i = 0; i < segs; i++) {
      const ax = r[2 * i];
      const ay = r[2 * i + 1];
      const j = (i + 1) % m;
      const bx = r[2 * j];
      const by = r[2 * j + 1];
      const dx = bx - ax;
      const dy = by - ay;
      let t0 = 0;
      let t1 = 1;
      let ok = true;
      const clip = (p: number, q: number): void => {
        if (!ok) return;
        if (p === 0) {
          if (q < -eps) ok = false;
          return;
        }
        const t = q / p;
        if (p < 0) {
          if (t > t1) ok = false;
          else if (t > t0) t0 = t;
        } else {
          if (t < t0) ok = false;
          else if (t < t1) t1 = t;
        }
      };
      clip(-dx, ax - x0);
      clip(dx, x1 - ax);
      clip(-dy, ay - y0);
      clip(dy, y1 - ay);
      if (!ok || t1 - t0 <= 0) {
        flush();
        continue;
      }
      const px = ax + t0 * dx;
      const py = ay + t0 * dy;
      const qx = ax + t1 * dx;
      const qy = ay + t1 * dy;
      const n = cur.length;
      if (n >= 2 && Math.abs(cur[n - 2] - px) <= eps && Math.abs(cur[n - 1] - py) <= eps) cur.push(qx, qy);
      else {
        flush();
        cur.push(px, py, qx, qy);
      }
      if (t1 < 1) flush();
    }
    flush();
    // A closed ring cut by the field: its last piece runs on into its first, trace them as one.
    const pieces = out.length - ringStart;
    if (closed && pieces > 1) {
      const first = out[ringStart];
      const last = out[out.length - 1];
      if (
        Math.abs(last[last.length - 2] - first[0]) <= eps &&
        Math.abs(last[last.length - 1] - first[1]) <= eps
      ) {
        const joined = new Float64Array(last.length + first.length - 2);
        joined.set(last);
        joined.set(first.subarray(2), last.length);
        out[ringStart] = joined;
        out.pop();
      }
    }
  }
  return out;
}

/**
 * The aiming path of one stamp: the outline pieces inside its field, `loops` times, as absolute
 * x, y pairs. The beam goes from the field centre to the first point, then point to point.
 */
export function aimPath(
  area: Area,
  originMm: readonly number[],
  fieldMm: readonly number[],
  loops: number,
): Float64Array {
  const pieces = outlineInField(
    area.outline(),
    area.outlineClosed,
    originMm[0],
    originMm[1],
    originMm[0] + fieldMm[0],
    originMm[1] + fieldMm[1],
  );
  let len = 0;
  for (const p of pieces) len += p.length;
  const out = new Float64Array(len * loops);
  let k = 0;
  for (let l = 0; l < loops; l++)
    for (const p of pieces) {
      out.set(p, k);
      k += p.length;
    }
  return out;
}

/** Length of the path centre → p0 → p1 → ..., mm. */
export function aimPathLengthMm(cx: number, cy: number, path: Float64Array): number {
  let len = 0;
  let px = cx;
  let py = cy;
  for (let i = 0; i < path.length; i += 2) {
    len += Math.hypot(path[i] - px, path[i + 1] - py);
    px = path[i];
    py = path[i + 1];
  }
  return len;
}

/** The scanner settings the treatment timing needs. */
export interface TreatmentTimingInput {
  x: Float64Array;
  y: Float64Array;
  stamp: Uint32Array;
  pulses: Uint32Array;
  pass: Uint16Array;
  /** Stamp centres, x, y pairs (global stamp index). */
  centre: Float64Array;
  stampCount: number;
  /** Aiming path per stamp (absolute x, y pairs), or none. */
  aim?: Float64Array[];
  aimSpeedMmS: number;
  jumpSpeedMmS: number;
  jumpDelayUs: number;
  pulseUs: number;
  repRateHz: number;
  stampMoveMs: number;
  passGapMs: number;
}

/**
 * Timing of a treatment (docs/passes.md), the point-and-shoot law of docs/model.md extended:
 * a stamp change inside a pass waits `stampMoveMs`; between passes the head waits `passGapMs`,
 * plus `stampMoveMs` when the next field centre differs; at each stamp the aiming path (from the
 * field centre, at the aim speed) comes before the first jump, which starts where the path ends.
 * The laser's rep rate holds across the whole treatment.
 */
export function treatmentTiming(s: TreatmentTimingInput): {
  tMs: Float64Array;
  treatmentMs: number;
  pathLengthMm: number;
  stampMs: Float64Array;
  aimMs: Float64Array;
  passStartMs: number[];
  passEndMs: number[];
} {
  const n = s.x.length;
  const tMs = new Float64Array(n);
  const stampMs = new Float64Array(s.stampCount);
  const aimMs = new Float64Array(s.stampCount);
  const periodMs = 1000 / s.repRateHz;
  const jumpDelayMs = s.jumpDelayUs / 1000;
  const pulseMs = s.pulseUs / 1000;
  const msPerMm = 1000 / s.jumpSpeedMmS;
  const aimMsPerMm = 1000 / s.aimSpeedMmS;
  const passStartMs: number[] = [];
  const passEndMs: number[] = [];
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  let pathLengthMm = 0;
  let current = -1;
  let currentPass = -1;
  let px = 0;
  let py = 0;
  let stampStart = 0;
  for (let i = 0; i < n; i++) {
    const st = s.stamp[i];
    if (st !== current) {
      const cx = s.centre[2 * st];
      const cy = s.centre[2 * st + 1];
      if (current >= 0) stampMs[current] = end - stampStart;
      if (s.pass[i] !== currentPass) {
        if (currentPass >= 0) {
          passEndMs.push(end);
          const moved = cx !== s.centre[2 * current] || cy !== s.centre[2 * current + 1];
          end += s.passGapMs + (moved ? s.stampMoveMs : 0);
        }
        currentPass = s.pass[i];
        passStartMs.push(end);
      } else if (current >= 0) end += s.stampMoveMs;
      current = st;
      stampStart = end;
      px = cx;
      py = cy;
      const path = s.aim?.[st];
      if (path && path.length >= 2) {
        const a = aimPathLengthMm(cx, cy, path) * aimMsPerMm;
        aimMs[st] = a;
        end += a;
        px = path[path.length - 2];
        py = path[path.length - 1];
      }
    }
    const jumpMm = Math.sqrt((s.x[i] - px) ** 2 + (s.y[i] - py) ** 2);
    pathLengthMm += jumpMm;
    const ti = Math.max(end + jumpMm * msPerMm + jumpDelayMs, lastPulse + periodMs);
    tMs[i] = ti;
    lastPulse = ti + (s.pulses[i] - 1) * periodMs;
    end = lastPulse + pulseMs;
    px = s.x[i];
    py = s.y[i];
  }
  if (current >= 0) stampMs[current] = end - stampStart;
  if (currentPass >= 0) passEndMs.push(end);
  return { tMs, treatmentMs: end, pathLengthMm, stampMs, aimMs, passStartMs, passEndMs };
}

/**
 * Build the treatment of a plan: one pass gives exactly {@link buildScan}'s scan; several passes
 * (or an aiming beam) give the passes in order, their stamps numbered across the treatment,
 * timing and heat across the whole treatment (heat with the first pass's spot size).
 */
export function buildTreatment(
  plan: ResolvedPlan,
  area: Area,
  opts: { heatThreads?: number } = {},
): Treatment {
  const passPlans = expandPasses(plan);
  const passSpots = passPlans.map((p) => generatePattern(p, area));
  if (!isTreatmentPlan(plan))
    return { passPlans, passSpots, scan: buildScan(plan, area, passSpots[0], opts) };
  const sc = plan.scanner;
  const box = { minX: area.minX, minY: area.minY, maxX: area.maxX, maxY: area.maxY };
  const ordered = passPlans.map((p, k) => orderSpots(p, area, passSpots[k]));
  let n = 0;
  let stampCount = 0;
  for (const o of ordered) {
    n += o.order.length;
    stampCount += o.st.count;
  }
  const order = new Uint32Array(n);
  const xMm = new Float64Array(n);
  const yMm = new Float64Array(n);
  const stamp = new Uint32Array(n);
  const pulses = new Uint32Array(n);
  const pass = new Uint16Array(n);
  const centre = new Float64Array(2 * stampCount);
  const origin = new Float64Array(2 * stampCount);
  const firstStamp: number[] = [];
  const warnings: string[] = [];
  let at = 0;
  let so = 0;
  let spotBase = 0;
  for (let k = 0; k < ordered.length; k++) {
    const o = ordered[k];
    const m = o.order.length;
    for (let i = 0; i < m; i++) order[at + i] = o.order[i] + spotBase;
    xMm.set(o.xMm, at);
    yMm.set(o.yMm, at);
    for (let i = 0; i < m; i++) stamp[at + i] = o.stamp[i] + so;
    pulses.fill(passPlans[k].pulse.stack, at, at + m);
    pass.fill(k, at, at + m);
    centre.set(o.st.centreMm, 2 * so);
    origin.set(o.st.originMm, 2 * so);
    firstStamp.push(so);
    const w = overlapWarning(passPlans[k], passSpots[k], o.st, box);
    if (w) warnings.push(passPlans.length > 1 ? `pass ${k}: ${w}` : w);
    at += m;
    so += o.st.count;
    spotBase += m;
  }
  let aim: Float64Array[] | undefined;
  if (sc.aim) {
    aim = [];
    for (let s = 0; s < stampCount; s++)
      aim.push(aimPath(area, [origin[2 * s], origin[2 * s + 1]], sc.fieldMm, sc.aim.loops));
  }
  const timing = treatmentTiming({
    x: xMm,
    y: yMm,
    stamp,
    pulses,
    pass,
    centre,
    stampCount,
    aim,
    aimSpeedMmS: sc.aim?.speedMmS ?? sc.jumpSpeedMmS,
    jumpSpeedMmS: sc.jumpSpeedMmS,
    jumpDelayUs: sc.jumpDelayUs,
    pulseUs: sc.pulseUs,
    repRateHz: sc.repRateHz,
    stampMoveMs: sc.stampMoveMs,
    passGapMs: sc.passGapMs ?? 0,
  });
  const heatPerSpot = heatIndex(
    xMm,
    yMm,
    timing.tMs,
    pulses,
    passPlans[0].spot.diameterUm / 2000,
    KAPPA_MM2_PER_S,
    undefined,
    { threads: opts.heatThreads },
  );
  const heat = heatStats(heatPerSpot);
  if (heat.max > HEAT_WARN_MAX) warnings.push(heatWarning(heat.max));
  const stamps: StampInfo[] = [];
  const stampSpots = new Uint32Array(stampCount);
  for (let i = 0; i < n; i++) stampSpots[stamp[i]]++;
  for (let s = 0; s < stampCount; s++)
    stamps.push({
      centreMm: [centre[2 * s], centre[2 * s + 1]],
      originMm: [origin[2 * s], origin[2 * s + 1]],
      spots: stampSpots[s],
      durationMs: timing.stampMs[s],
    });
  let aimTotal = 0;
  const passes: PassInfo[] = ordered.map((o, k) => {
    let a = 0;
    for (let s = firstStamp[k]; s < firstStamp[k] + o.st.count; s++) a += timing.aimMs[s];
    aimTotal += a;
    return {
      spots: o.order.length,
      firstStamp: firstStamp[k],
      stampCount: o.st.count,
      startMs: timing.passStartMs[k],
      treatmentMs: timing.passEndMs[k] - timing.passStartMs[k],
      aimMs: a,
    };
  });
  const scan: Scan = {
    order,
    xMm,
    yMm,
    tMs: timing.tMs,
    stamp,
    pulses,
    stamps,
    treatmentMs: timing.treatmentMs,
    pathLengthMm: timing.pathLengthMm,
    heat,
    heatPerSpot,
    warnings,
    pass,
    passes,
    ...(aim ? { aimPath: aim, aimMs: aimTotal } : {}),
  };
  return { passPlans, passSpots, scan };
}
