/**
 * Passes that leave different heat: each pulse counts with its own pass's residual heat and column
 * depth, checked against the surface formula summed by hand.
 */
import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { bulkRise, bulkRiseInputs, scanBulkRise } from "../../src/heat/bulk-rise.js";
import { resolvePlan } from "../../src/plan/load.js";
import { buildTreatment } from "../../src/sequence/treatment.js";
import {
  co2CoagTotalMm,
  co2ResidualJ,
  fullSumAt,
  rowsOfSpots,
  surfaceRiseByHand,
  twoCo2Spots,
} from "../helpers/bulk-rise.js";

/** Two 120 µm spots 100 µm apart fired twice: pass 0 at 10 mJ, pass 1 at `e1Mj` (stack `stack1`), 50 ms later. */
function twoPassPlan(e1Mj: number, stack1 = 1) {
  return resolvePlan(
    twoCo2Spots("two-pass", {
      passes: [{}, { pulse: { energyMj: e1Mj, stack: stack1 } }],
      scanner: { fieldMm: [10, 10], repRateHz: 1000, passGapMs: 50 },
    }) as never,
    ".",
  );
}

describe("bulk rise of passes that leave different heat", () => {
  for (const [e1, stack1] of [
    [40, 1],
    [5, 3],
  ] as const) {
    it(`10 mJ then ${e1} mJ × ${stack1}: every spot meets each earlier pulse with its own pass's Q and L`, () => {
      const plan = twoPassPlan(e1, stack1);
      const { scan } = buildTreatment(plan, createArea(plan.area));
      const n = scan.xMm.length;
      expect(n).toBe(4);
      const pass = scan.pass as Uint16Array;
      expect(Array.from(pass)).toEqual([0, 0, 1, 1]);
      const energy = [10, e1];
      const got = scanBulkRise(plan, scan).perSpot;
      expect(got[0]).toBe(0);
      for (let i = 1; i < n; i++) {
        let want = 0;
        for (let j = 0; j < i; j++) {
          const e = energy[pass[j]];
          for (let k = 0; k < scan.pulses[j]; k++) {
            const dtS = (scan.tMs[i] - (scan.tMs[j] + k)) / 1000;
            if (dtS <= 0) continue;
            const r = Math.hypot(scan.xMm[i] - scan.xMm[j], scan.yMm[i] - scan.yMm[j]);
            want += surfaceRiseByHand(co2ResidualJ(e), co2CoagTotalMm(e), 0.0018, r, dtS);
          }
        }
        expect(got[i] / want - 1).toBeCloseTo(0, 4);
      }
    });
  }

  it("passes with the same heat: one sum over all pulses, the same bits as the plain bulk rise", () => {
    // Stacks of 2 in both passes: the stack period counts too.
    const plan = resolvePlan(
      twoCo2Spots("two-pass", {
        pulse: { energyMj: 10, stack: 2 },
        passes: [{}, {}],
        scanner: { fieldMm: [10, 10], repRateHz: 1000, passGapMs: 50 },
      }) as never,
      ".",
    );
    const { scan } = buildTreatment(plan, createArea(plan.area));
    const { heat, periodMs } = bulkRiseInputs(plan);
    const plain = bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { periodMs });
    expect(plain[3]).toBeGreaterThan(0);
    const got = scanBulkRise(plan, scan).perSpot;
    expect(Buffer.from(got.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
  });

  it("a scan without a pass column: every pulse leaves the first pass's heat", () => {
    const plan = twoPassPlan(40);
    const { scan } = buildTreatment(plan, createArea(plan.area));
    const got = scanBulkRise(plan, { ...scan, pass: undefined }).perSpot;
    const first = bulkRiseInputs(twoPassPlan(10));
    const want = bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, first.heat, {
      periodMs: first.periodMs,
    });
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    expect(got[3]).toBeGreaterThan(0);
  });
});

describe("spots without pulses on the ladder", () => {
  it("leave no heat: the rise is linear in which spots fire (split in two, the parts add up)", () => {
    // 6,000 spots 0.2 mm apart, 80 to a row, walked in rows, a spot every 2 ms: old heat goes on the ladder.
    const n = 6000;
    const { x, y, t } = rowsOfSpots(n, 80, 0.2, 1, (i) => i * 2);
    const all = new Uint32Array(n).fill(1);
    const even = Uint32Array.from(all, (_, i) => (i % 3 === 0 ? 1 : 0));
    const odd = Uint32Array.from(even, (v) => 1 - v);
    const heat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
    const opts = { slotMs: 250, threads: 1 };
    const whole = bulkRise(x, y, t, all, heat, opts);
    const a = bulkRise(x, y, t, even, heat, opts);
    const b = bulkRise(x, y, t, odd, heat, opts);
    let worst = 0;
    for (let i = 100; i < n; i++) worst = Math.max(worst, Math.abs(a[i] + b[i] - whole[i]) / whole[i]);
    // The cut-off skips terms below 1e-4 K in each part: a few of those per spot at most.
    expect(worst).toBeLessThan(2e-4);
    // And each part is the formula summed over its own pulses only (the ladder's accuracy).
    for (const i of [1000, 4321, n - 1]) {
      const want = fullSumAt(heat, { x, y, t, p: all }, 0, i, (j) => even[j] === 1);
      expect(Math.abs(a[i] - want)).toBeLessThan(3e-3 * want + 1e-3);
      expect(a[i] / whole[i]).toBeGreaterThan(0.2);
      expect(b[i] / whole[i]).toBeGreaterThan(0.4);
    }
  }, 60_000);
});
