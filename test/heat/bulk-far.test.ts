import { describe, expect, it } from "vitest";
import { createArea } from "../../src/area/index.js";
import { fitExponentials } from "../../src/heat/bulk-far.js";
import { residualHeat } from "../../src/heat/bulk-model.js";
import { bulkRise } from "../../src/heat/bulk-rise.js";
import { generatePattern } from "../../src/pattern/index.js";
import { loadPlan } from "../../src/plan/load.js";
import { gridLevels, gridTerms } from "../../src/sequence/heat-grid.js";
import { buildScan } from "../../src/sequence/index.js";
import { WasmHeatGrid } from "../../src/wasm/heat-grid.js";
import { releaseInstance } from "../../src/wasm/module.js";
import { fullSumAt, rowsOfSpots } from "../helpers/bulk-rise.js";

const FOUR_K = (4 * 0.13) / 1000; // mm² per ms

/** The default plan in spread order (a long treatment: several ladder levels), at `coverage`. */
function demoScan(coverage?: number) {
  const overrides: Record<string, unknown> = { "sequence.order": "spread" };
  if (coverage !== undefined) overrides["pattern.coverage"] = coverage;
  const { plan } = loadPlan("fractional-co2-demo", overrides);
  const area = createArea(plan.area);
  return { plan, scan: buildScan(plan, area, generatePattern(plan, area)) };
}

describe("the ladder of grids with decaying fields", () => {
  it("term k reads Σ_j e^(−λ·τ_j)·(s0/S_j)·exp(−r²/S_j) over the pulses of slots ≤ s − 3, within 0.1 % (1e-6 of the undecayed sum)", () => {
    const { scan } = demoScan();
    const n = scan.xMm.length;
    const s0 = 0.0018;
    const slotMs = 500;
    const t0 = scan.tMs[0];
    const levels = gridLevels(scan.tMs[n - 1] - t0, slotMs, FOUR_K);
    expect(levels).toBeGreaterThan(1);
    const lambdas = [0, 1e-4, 1e-3, 1e-2];
    const grids = new WasmHeatGrid(scan.xMm, scan.yMm, scan.tMs, new Float64Array(n).fill(1));
    const outs = gridTerms(
      grids,
      s0,
      FOUR_K,
      slotMs,
      levels,
      lambdas.map((lambda) => ({ lambda, trim: 1e-15 })),
    );
    releaseInstance(grids.spots.ex);
    for (const i of [900, 1800, 2700, n - 1]) {
      const s = Math.floor((scan.tMs[i] - t0) / slotMs);
      lambdas.forEach((lambda, k) => {
        let want = 0;
        for (let j = 0; j < i; j++) {
          if (Math.floor((scan.tMs[j] - t0) / slotMs) > s - 3) continue;
          const tau = scan.tMs[i] - scan.tMs[j];
          const S = s0 + FOUR_K * tau;
          const r2 = (scan.xMm[i] - scan.xMm[j]) ** 2 + (scan.yMm[i] - scan.yMm[j]) ** 2;
          want += Math.exp(-lambda * tau) * (s0 / S) * Math.exp(-r2 / S);
        }
        expect(want).toBeGreaterThan(0);
        // Within 0.1 %, or 1e-6 of the undecayed sum where decay leaves almost nothing.
        expect(Math.abs(outs[k][i] - want)).toBeLessThan(1e-3 * want + 1e-6 * outs[0][i]);
      });
    }
  });
});

describe("exponential fit of the age factor", () => {
  it("few terms: erf(L/√(4κτ)) over 2.4 decades within 2e-3 with at most 6 terms", () => {
    for (const L of [0.27, 0.69]) {
      const g = (tau: number) => {
        // erf by its Maclaurin series / asymptotic switch is tested elsewhere; here a fine Simpson rule.
        const x = L / Math.sqrt(FOUR_K * tau);
        const m = 400;
        let sum = 0;
        for (let k = 0; k <= m; k++) {
          const u = (k / m) * x;
          sum += (k === 0 || k === m ? 1 : k % 2 ? 4 : 2) * Math.exp(-u * u);
        }
        return ((2 / Math.sqrt(Math.PI)) * sum * (x / m)) / 3;
      };
      const fit = fitExponentials(g, 500, 125_000, 2e-3);
      expect(fit.a.length).toBeLessThanOrEqual(6);
      expect(fit.maxRelError).toBeLessThan(2e-3);
      for (const tau of [500, 777, 4000, 60_000, 125_000]) {
        let f = 0;
        for (let k = 0; k < fit.a.length; k++) f += fit.a[k] * Math.exp(-fit.lambda[k] * tau);
        expect(Math.abs(f / g(tau) - 1)).toBeLessThan(2.5e-3);
      }
    }
  });
});

describe("bulk rise with old heat on the ladder", () => {
  it("1 and 2 threads give the same bits", () => {
    const { plan, scan } = demoScan(0.2);
    const heat = residualHeat(plan);
    const one = bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { slotMs: 250, threads: 1 });
    const two = bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { slotMs: 250, threads: 2 });
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  }, 60_000);

  it("stacked pulses, each at its own time: the ladder and the exact sum agree with the full sum", () => {
    // 3,000 spots 0.25 mm apart, 60 to a row, 3 pulses each 40 ms apart, a spot every 130 ms.
    const spots = rowsOfSpots(3000, 60, 0.25, 3, (i) => i * 130);
    const { x, y, t, p } = spots;
    const heat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
    const grid = bulkRise(x, y, t, p, heat, { periodMs: 40, slotMs: 500 });
    for (const i of [100, 1500, x.length - 1]) {
      const want = fullSumAt(heat, spots, 40, i);
      expect(Math.abs(grid[i] - want)).toBeLessThan(3e-3 * want + 1e-3);
    }
  }, 60_000);

  it("spots fired inside the previous spot's stack across slot ends: the ladder still has every pulse", () => {
    // 2,000 spots 0.15 mm apart, 40 to a row, one every 2 ms with 3 pulses 0.5 ms apart, slots of
    // 100 ms. At every slot end a spot fires 0.3 ms before it and the next 0.05 ms before it (inside
    // the first one's stack): taken in spot order, the second's first pulse would come after
    // pulses of the next slot, and the spots two slots on would miss it (neither the ladder nor the
    // recent sum would have it).
    const spots = rowsOfSpots(2000, 40, 0.15, 3, (i) =>
      i % 50 === 49 ? 2 * (i + 1) - 0.3 : i % 50 === 0 && i > 0 ? 2 * i - 0.05 : 2 * i,
    );
    const heat = { qJ: 1.3e-3, depthMm: 0.27, s0Mm2: 0.0018, wholePulse: false };
    const grid = bulkRise(spots.x, spots.y, spots.t, spots.p, heat, {
      periodMs: 0.5,
      slotMs: 100,
      threads: 1,
    });
    // Spot 50k + 120 fires two slots on, three rows (0.45 mm) from the late spot 50k; the late spot
    // itself reads the ladder at its own first pulse.
    for (const i of [370, 870, 1620, 250, 1000, 1500])
      expect(Math.abs(grid[i] / fullSumAt(heat, spots, 0.5, i) - 1)).toBeLessThan(2e-3);
  });

  it("a spot fired inside the previous spot's stack: the ladder still takes the pulses in time order", () => {
    // Found by fast-check: spot 10 fires 17 µs after spot 9's first pulse, before its second and
    // third (not a scan the sequencer makes; the library takes it). Taken in spot order, the
    // ladder's entries were out of time order and spot 10 read 0.26 K (0.5 %) too much.
    const x = new Float64Array(11);
    const y = Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0.0857, 0, 0);
    const t = Float64Array.of(
      0,
      0,
      198.974,
      385.534,
      585.524,
      609.989,
      609.993,
      610.008,
      721.931,
      748,
      748.017,
    );
    const p = Uint32Array.of(1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1);
    const heat = { qJ: 2.74e-4, depthMm: 1.4375, s0Mm2: 3.25e-4, wholePulse: false };
    const grid = bulkRise(x, y, t, p, heat, { periodMs: 1, slotMs: 250, threads: 1 });
    for (let i = 1; i < 11; i++) {
      const want = fullSumAt(heat, { x, y, t, p }, 1, i);
      if (want > 0) expect(Math.abs(grid[i] / want - 1)).toBeLessThan(2e-3);
    }
  });
});
