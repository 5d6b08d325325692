/**
 * From a spot pattern to what the galvo executes: stamps, the firing order within each stamp,
 * first-pulse times, the jump path and the heat index (docs/model.md).
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Area } from "../area/types.js";
import type { Spots } from "../pattern/types.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { orderSortedRows, permuteSpots } from "../wasm/scan.js";
import { HEAT_WARN_MAX, type HeatStats, heatIndex, heatStats, KAPPA_MM2_PER_S } from "./heat.js";
import { type OrderContext, orderStamp } from "./orders.js";
import { type BoxMm, buildStamps, crossStampClosePairs, type Stamps } from "./stamps.js";
import { scanTiming } from "./timing.js";

export { HEAT_CUTOFF, HEAT_WARN_MAX, type HeatStats, heatIndex, heatStats, KAPPA_MM2_PER_S } from "./heat.js";
export { type Order, type OrderContext, orderStamp } from "./orders.js";
export { buildStamps, crossStampClosePairs, type Stamps } from "./stamps.js";
export { type ScannerTiming, scanTiming, type Timing } from "./timing.js";

/** One stamp of a scan (the report's `stamps`). */
export interface StampInfo {
  /** Field centre, mm. */
  centreMm: [number, number];
  /** Field lower-left corner, mm. */
  originMm: [number, number];
  /** Spots fired in this stamp. */
  spots: number;
  /** From arriving at the stamp to the end of its last pulse, ms. */
  durationMs: number;
}

/** A firing order with its timing and heat (all per-spot arrays in firing order). */
export interface Scan {
  /** Firing order: a permutation of the input spot indices. */
  order: Uint32Array;
  xMm: Float64Array;
  yMm: Float64Array;
  /** First-pulse time per spot, ms from the start. */
  tMs: Float64Array;
  /** 0-based stamp index per spot. */
  stamp: Uint32Array;
  /** Pulses per spot (`pulse.stack`). */
  pulses: Uint32Array;
  stamps: StampInfo[];
  treatmentMs: number;
  pathLengthMm: number;
  heat: HeatStats;
  /** Heat index per spot. */
  heatPerSpot: Float64Array;
  warnings: string[];
  /** 0-based pass per spot (multi-pass plans and plans with an aiming beam; docs/passes.md). */
  pass?: Uint16Array;
  /** Per pass: spots, start and duration (multi-pass plans and plans with an aiming beam). */
  passes?: PassInfo[];
  /** Aiming-beam path per stamp: absolute x, y pairs (mm) in tracing order, loops included. */
  aimPath?: Float64Array[];
  /** Total aiming-beam time, ms (part of `treatmentMs`). */
  aimMs?: number;
}

/** One pass of a multi-pass treatment (docs/passes.md). */
export interface PassInfo {
  spots: number;
  /** First stamp of the pass (global stamp index) and how many it has. */
  firstStamp: number;
  stampCount: number;
  /** When the pass starts (beam at its first field centre), ms from the treatment start. */
  startMs: number;
  /** From the pass start to the end of its last pulse, ms (aiming included). */
  treatmentMs: number;
  /** Aiming-beam time inside this pass, ms. */
  aimMs: number;
}

/** `spread` default: a quarter of the shorter field side. */
export function defaultMinStepMm(fieldMm: readonly [number, number]): number {
  return Math.min(fieldMm[0], fieldMm[1]) / 4;
}

/** What the orders need to know about a pattern (see {@link OrderContext}). */
export function orderContext(plan: ResolvedPlan, area: Area, spots: Spots): OrderContext {
  // Lattice rows serve as raster rows only when unrotated (horizontal, indices counting upwards);
  // otherwise rows are bands of the mean spacing.
  const horizontalRows = spots.row !== undefined && plan.pattern.rotationDeg % 360 === 0;
  return {
    x: spots.x,
    y: spots.y,
    row: horizontalRows ? spots.row : undefined,
    col: horizontalRows ? spots.col : undefined,
    spacingMm: spots.spacingMm,
    originXMm: area.minX,
    originYMm: area.minY,
    k: plan.sequence.k,
    minStepMm: plan.sequence.minStepMm ?? defaultMinStepMm(plan.scanner.fieldMm),
  };
}

/**
 * Stamps, order, timing and heat of `spots` on `area` under `plan` (deterministic per
 * `plan.sequence.seed`). `opts.heatThreads`: threads of the heat index (default: heatIndex's
 * choice; the result is the same either way).
 */
export function buildScan(
  plan: ResolvedPlan,
  area: Area,
  spots: Spots,
  opts: { heatThreads?: number } = {},
): Scan {
  const n = spots.count;
  const sc = plan.scanner;
  const box = { minX: area.minX, minY: area.minY, maxX: area.maxX, maxY: area.maxY };
  const { st, order, xMm, yMm, stamp } = orderSpots(plan, area, spots);
  const warnings: string[] = [];
  const pulses = new Uint32Array(n).fill(plan.pulse.stack);
  const timing = scanTiming(xMm, yMm, stamp, pulses, st.centreMm, st.count, sc);
  const wMm = plan.spot.diameterUm / 2000;
  const heatPerSpot = heatIndex(xMm, yMm, timing.tMs, pulses, wMm, KAPPA_MM2_PER_S, undefined, {
    threads: opts.heatThreads,
  });
  const heat = heatStats(heatPerSpot);

  const stamps: StampInfo[] = [];
  for (let s = 0; s < st.count; s++)
    stamps.push({
      centreMm: [st.centreMm[2 * s], st.centreMm[2 * s + 1]],
      originMm: [st.originMm[2 * s], st.originMm[2 * s + 1]],
      spots: st.start[s + 1] - st.start[s],
      durationMs: timing.stampMs[s],
    });

  const overlap = overlapWarning(plan, spots, st, box);
  if (overlap) warnings.push(overlap);
  if (heat.max > HEAT_WARN_MAX) warnings.push(heatWarning(heat.max));
  return {
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
  };
}

/** The warning for a heat index above {@link HEAT_WARN_MAX}. */
export function heatWarning(max: number): string {
  return `heat index max ${+max.toFixed(3)} is above ${HEAT_WARN_MAX} (one pulse on the same spot with no cooling): try another order or a lower density`;
}

/** The warning for spots of neighbouring overlapping stamps closer than half the spacing, if any. */
export function overlapWarning(plan: ResolvedPlan, spots: Spots, st: Stamps, box: BoxMm): string | undefined {
  const sc = plan.scanner;
  if (sc.overlapMm <= 0) return undefined;
  const halfPitchMm = spots.spacingMm / 2;
  const pairs = crossStampClosePairs(
    spots.x,
    spots.y,
    spots.count,
    st,
    box,
    sc.fieldMm,
    sc.overlapMm,
    halfPitchMm,
  );
  if (pairs === 0) return undefined;
  return `stamps overlap by ${sc.overlapMm} mm: ${pairs} pair(s) of spots in neighbouring stamps are closer than half the spot spacing (${+halfPitchMm.toFixed(4)} mm)`;
}

/** Stamps and firing order of `spots` (positions and stamps permuted into firing order). */
export function orderSpots(
  plan: ResolvedPlan,
  area: Area,
  spots: Spots,
): { st: Stamps; order: Uint32Array; xMm: Float64Array; yMm: Float64Array; stamp: Uint32Array } {
  const n = spots.count;
  const sc = plan.scanner;
  const box = { minX: area.minX, minY: area.minY, maxX: area.maxX, maxY: area.maxY };
  const st = buildStamps(spots.x, spots.y, n, box, sc.fieldMm, sc.overlapMm);
  const ctx = orderContext(plan, area, spots);
  const rng = xoroshiro128plus(plan.sequence.seed);
  const order = new Uint32Array(n);
  const ordered = rowOrderedStamps(plan.sequence.order, ctx, st.start, st.items, st.count, order);
  for (let s = 0; s < st.count; s++) {
    if (ordered[s] === 1) continue;
    const a = st.start[s];
    const b = st.start[s + 1];
    orderStamp(
      plan.sequence.order,
      ctx,
      st.items.subarray(a, b),
      st.centreMm[2 * s],
      st.centreMm[2 * s + 1],
      rng,
      order.subarray(a, b),
    );
  }

  const { xMm, yMm, stamp } = permuteSpots(order, spots.x, spots.y, st.stampOf);
  return { st, order, xMm, yMm, stamp };
}

/**
 * Raster and serpentine orders of the stamps whose spots already come sorted by band and x (a
 * lattice generated row by row), all at once in the WebAssembly module, into `order`; 1 per stamp
 * so done, 0 for the stamps left to {@link orderStamp} (all of them for the other orders). The
 * module follows order/rows.ts (tested against it).
 */
export function rowOrderedStamps(
  kind: string,
  ctx: OrderContext,
  start: Uint32Array,
  items: Uint32Array,
  stamps: number,
  order: Uint32Array,
): Uint8Array {
  if (kind !== "raster" && kind !== "serpentine") return new Uint8Array(stamps);
  return orderSortedRows(
    {
      stamps,
      start,
      items,
      x: ctx.x,
      y: ctx.y,
      row: ctx.row,
      originYMm: ctx.originYMm,
      spacingMm: ctx.spacingMm,
      alternate: kind === "serpentine",
    },
    order,
  );
}
