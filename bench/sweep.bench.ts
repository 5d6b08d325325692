/**
 * `sweep`: a coverage × order sweep (12 variants, 10 × 10 mm, stats only) on
 * one thread and on the worker pool, and the CSV and chart of its rows. The library is the built
 * dist/ one when present; the pool's workers always run the built dist/parallel/worker.js and
 * stay up between runs, as within one CLI process.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sweepChartPng } from "../src/sweep/chart.js";
import { sweepCsv } from "../src/sweep/csv.js";
import * as srcLib from "../src/sweep/index.js";
import { type BenchCase, benchPlan, type Suite, standalone } from "./common.js";

type SweepLib = typeof srcLib;

async function library(): Promise<{ lib: SweepLib; from: string }> {
  const dist = new URL("../dist/sweep/index.js", import.meta.url);
  if (existsSync(fileURLToPath(dist))) return { lib: (await import(dist.href)) as SweepLib, from: "dist" };
  return { lib: srcLib, from: "src" };
}

export const suite: Suite = {
  name: "sweep",
  async cases(quick) {
    const { lib, from } = await library();
    const sideMm = quick ? 5 : 10;
    const plan = benchPlan({
      area: { shape: "rect", widthMm: sideMm, heightMm: sideMm },
      sequence: { order: "serpentine", seed: 1 },
    });
    const specs = [
      lib.parseVary(quick ? "pattern.coverage=0.05,0.2" : "pattern.coverage=0.05,0.1,0.2,0.3"),
      lib.parseVary("sequence.order=serpentine,spread,shortest"),
    ];
    const sweep = lib.prepareSweep(plan, ".", specs);
    const n = sweep.variants.length;
    const pixels = sweep.variants.reduce((s, v) => s + v.pixels, 0);
    const rows = await lib.runSweep(sweep, { concurrency: 1 });
    const spots = rows.reduce((s, r) => s + r.report.spots, 0);
    const table = lib.sweepTable(sweep.keys, rows);
    const cases: BenchCase[] = [
      {
        name: `${n} variants ${sideMm}×${sideMm} mm, one thread (${from})`,
        fn: () => lib.runSweep(sweep, { concurrency: 1 }),
        spots,
        pixels,
      },
      {
        name: `${n} variants ${sideMm}×${sideMm} mm, concurrency 2: main + 1 worker (${from})`,
        fn: () => lib.runSweep(sweep, { concurrency: 2 }),
        spots,
        pixels,
      },
      {
        name: `CSV + chart PNG of ${n} rows`,
        fn: () => [
          sweepCsv(table),
          sweepChartPng({ table, keyCount: 2, metric: "depth.meanUm", title: "bench" }),
        ],
      },
    ];
    return cases;
  },
};

await standalone(import.meta.url, suite);
