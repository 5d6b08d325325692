/**
 * The bench convention: every bench/*.bench.ts exports `suite: Suite`; `npm run bench` runs
 * them all (bench/run.ts) and each file also runs alone (`npx tsx bench/x.bench.ts [--quick]`).
 */
import { arch, cpus, platform, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { resolvePlan } from "../src/plan/load.js";
import type { ResolvedPlan } from "../src/plan/schema.js";

/** The reference workload's laser (bench/reference/plan-reference.json): steady-state CO2. */
export const REFERENCE_LASER = {
  name: "reference-co2",
  wavelengthNm: 10600,
  kind: "ablative",
  model: "steady-state",
  thresholdJcm2: 5,
  etaUmPerJcm2: 4,
  coagulationUm: 50,
};

/** The reference workload's area: a 12-gon inscribed in an A × A mm square (bench/reference/). */
export function twelveGon(sizeMm: number): [number, number][] {
  return Array.from({ length: 12 }, (_, i): [number, number] => [
    sizeMm / 2 + (sizeMm / 2) * Math.cos((Math.PI * i) / 6),
    sizeMm / 2 + (sizeMm / 2) * Math.sin((Math.PI * i) / 6),
  ]);
}

/** A bench plan: 120 µm spots of 10 mJ with the reference laser, hex 10 %, blocks replaced by `parts`. */
export function benchPlan(parts: Record<string, unknown>): ResolvedPlan {
  return resolvePlan(
    {
      version: 1,
      name: "bench",
      laser: REFERENCE_LASER,
      spot: { diameterUm: 120 },
      pulse: { energyMj: 10 },
      pattern: { lattice: "hex", coverage: 0.1, seed: 1 },
      sequence: { order: "raster", seed: 1 },
      ...parts,
    },
    ".",
  );
}

/**
 * The heat bench's big scans: `spots` 120 µm spots of 10 mJ (the reference laser without a
 * coagulation layer) filling a `sideMm` square on `lattice`, fired in `order`.
 */
export function squareBenchPlan(order: string, spots: number, sideMm: number, lattice = "hex"): ResolvedPlan {
  const coverage = (spots / (sideMm * sideMm)) * Math.PI * 0.06 ** 2;
  return resolvePlan(
    {
      version: 1,
      laser: {
        name: "b",
        wavelengthNm: 10600,
        kind: "ablative",
        model: "steady-state",
        thresholdJcm2: 5,
        etaUmPerJcm2: 4,
      },
      spot: { diameterUm: 120 },
      pulse: { energyMj: 10 },
      pattern: { lattice, coverage, seed: 1 },
      area: { shape: "rect", widthMm: sideMm, heightMm: sideMm },
      sequence: { order, seed: 1 },
    },
    ".",
  );
}

/** One timed workload; `spots` and `pixels` say how big it is. */
export interface BenchCase {
  name: string;
  fn: () => unknown;
  spots?: number;
  pixels?: number;
}

/** A named group of cases; `quick` keeps the subset that runs in seconds. */
export interface Suite {
  name: string;
  cases(quick: boolean): BenchCase[] | Promise<BenchCase[]>;
}

/** One measured row of the results table. */
export interface BenchRow {
  suite: string;
  task: string;
  opsPerSec: number;
  meanMs: number;
  p99Ms: number;
  samples: number;
  spots?: number;
  pixels?: number;
}

/** Machine facts written beside the numbers. */
export function machineInfo() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? "unknown",
    cores: c.length,
    memGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${platform()}-${arch()}`,
  };
}

/** Run a suite with tinybench (warm-up included) and return its rows. */
export async function runSuite(suite: Suite, quick: boolean): Promise<BenchRow[]> {
  const cases = await suite.cases(quick);
  // tinybench runs a task until both its time and its count are reached, warm-up included: its
  // default 16 warm-up runs took 8 s per 0.5 s task (the quick run was over 2 minutes). One or
  // two warm-up runs are enough for tasks this long; short ones still warm up for the time.
  const bench = new Bench({
    name: suite.name,
    time: quick ? 300 : 1500,
    warmupTime: quick ? 50 : 200,
    warmupIterations: quick ? 1 : 2,
    iterations: quick ? 3 : 5,
  });
  for (const c of cases) bench.add(c.name, c.fn);
  await bench.run();
  const rows: BenchRow[] = [];
  for (const task of bench.tasks) {
    const c = cases.find((k) => k.name === task.name);
    const r = task.result;
    if (r.state !== "completed") {
      const reason = r.state === "errored" ? r.error.message : r.state;
      throw new Error(`bench ${suite.name}/${task.name}: ${reason}`);
    }
    rows.push({
      suite: suite.name,
      task: task.name,
      opsPerSec: +r.throughput.mean.toPrecision(4),
      meanMs: +r.latency.mean.toPrecision(4),
      p99Ms: +r.latency.p99.toPrecision(4),
      samples: r.latency.samplesCount,
      spots: c?.spots,
      pixels: c?.pixels,
    });
  }
  return rows;
}

/** Print rows as a table. */
export function printRows(rows: BenchRow[]): void {
  console.table(
    rows.map((r) => ({
      suite: r.suite,
      task: r.task,
      "mean ms": r.meanMs,
      "p99 ms": r.p99Ms,
      "ops/s": r.opsPerSec,
      spots: r.spots ?? "",
      pixels: r.pixels ?? "",
    })),
  );
}

/** When the calling module is the entry point, run its suite and print the table. */
export async function standalone(moduleUrl: string, suite: Suite): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  printRows(await runSuite(suite, process.argv.includes("--quick")));
}
