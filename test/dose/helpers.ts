import { createArea } from "../../src/area/index.js";
import type { Area } from "../../src/area/types.js";
import { resolvePlan } from "../../src/plan/load.js";
import type { ResolvedPlan } from "../../src/plan/schema.js";
import { TEST_LASER } from "../helpers/plans.js";

/** The reference workload's laser: steady-state, Fth 5 J/cm², η 4 µm per J/cm², 50 µm coagulation. */
export const STEADY = { ...TEST_LASER, name: "test-steady" };

/** A resolved plan with an inline laser; `extra` is merged shallowly per block (`pulse`, `area` are replaced). */
export function testPlan(extra: Record<string, unknown> = {}): ResolvedPlan {
  const raw: Record<string, unknown> = {
    version: 1,
    laser: STEADY,
    spot: { diameterUm: 120, profile: "gaussian" },
    pulse: { energyMj: 10, stack: 1 },
    pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
    area: { shape: "rect", widthMm: 5, heightMm: 5 },
    sequence: { order: "raster" },
    raster: { pixelUm: 10 },
  };
  for (const [k, v] of Object.entries(extra))
    raw[k] =
      k !== "pulse" &&
      k !== "area" &&
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      typeof raw[k] === "object"
        ? { ...(raw[k] as object), ...v }
        : v;
  return resolvePlan(raw, ".");
}

/** A rect area with its lower-left corner at the origin. */
export function rect(widthMm: number, heightMm: number, originMm: [number, number] = [0, 0]): Area {
  return createArea({ shape: "rect", widthMm, heightMm, originMm });
}

/** Spots from coordinate lists. */
export function spotsOf(xs: number[], ys: number[]): { x: Float64Array; y: Float64Array; count: number } {
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), count: xs.length };
}

/** Spots on a square grid of `pitchMm` starting at `startMm` (n × n). */
export function grid(
  n: number,
  pitchMm: number,
  startMm: number,
): { x: Float64Array; y: Float64Array; count: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      xs.push(startMm + i * pitchMm);
      ys.push(startMm + j * pitchMm);
    }
  return spotsOf(xs, ys);
}
