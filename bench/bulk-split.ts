/**
 * `npm run bench:bulk-split`: where the bulk rise's time goes on the bench's 100,000-spot scans
 * (bench/bulk-rise.bench.ts), at the slot its cost model picks and at every slot it can pick: the
 * recent sum and the far field apart (one thread, the median of three runs after a warm-up), with
 * the heat index beside it. The table behind docs/bulk-heating.md "Speed".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createArea } from "../src/area/index.js";
import { type BulkRiseTiming, bulkRise, bulkRiseInputs } from "../src/heat/bulk-rise.js";
import { generatePattern } from "../src/pattern/index.js";
import { buildScan, heatIndex } from "../src/sequence/index.js";
import { machineInfo, squareBenchPlan } from "./common.js";

const here = dirname(fileURLToPath(import.meta.url));
const SLOTS: (number | undefined)[] = [undefined, 250, 500, 1000, 2000, 4000];

/** Median of three timed runs after one warm-up, ms, and the result of the last. */
function median<T>(run: () => T): { ms: number; last: T } {
  let last = run();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    last = run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[1], last };
}

const rows: Record<string, unknown>[] = [];
for (const side of [100, 20])
  for (const order of ["serpentine", "spread"]) {
    const plan = squareBenchPlan(order, 100_000, side);
    const area = createArea(plan.area);
    const scan = buildScan(plan, area, generatePattern(plan, area));
    const { heat, periodMs } = bulkRiseInputs(plan);
    const wMm = plan.spot.diameterUm / 2000;
    const hi = median(() =>
      heatIndex(scan.xMm, scan.yMm, scan.tMs, scan.pulses, wMm, undefined, undefined, { threads: 1 }),
    );
    for (const slotMs of SLOTS) {
      const parts: BulkRiseTiming[] = [];
      const whole = median(() => {
        const timing = { slotMs: 0, terms: 0, setupMs: 0, recentMs: 0, farMs: 0 };
        bulkRise(scan.xMm, scan.yMm, scan.tMs, scan.pulses, heat, { periodMs, threads: 1, slotMs, timing });
        parts.push(timing);
        return timing;
      });
      const mid = (key: "setupMs" | "recentMs" | "farMs"): number =>
        +parts
          .slice(1)
          .map((p) => p[key])
          .sort((a, b) => a - b)[1]
          .toFixed(1);
      rows.push({
        scan: `${order}, ${side} mm`,
        slot: slotMs === undefined ? `chosen (${whole.last.slotMs} ms)` : `${slotMs} ms`,
        terms: whole.last.terms,
        heatIndexMs: +hi.ms.toFixed(1),
        bulkMs: +whole.ms.toFixed(1),
        setupMs: mid("setupMs"),
        recentMs: mid("recentMs"),
        farMs: mid("farMs"),
        ratio: +(whole.ms / hi.ms).toFixed(2),
      });
      process.stderr.write(`${order} ${side} mm, slot ${slotMs ?? "chosen"}: ${whole.ms.toFixed(0)} ms\n`);
    }
  }
console.table(rows);
const out = join(
  here,
  "results",
  `bulk-split-${new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "")}.json`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), machine: machineInfo(), threads: 1, rows }, null, 2)}\n`,
);
console.log(`results: ${out}`);
