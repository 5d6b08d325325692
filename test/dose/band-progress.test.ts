/**
 * The simulation's band progress hook (the progress bar of `simulate` on a terminal) and the
 * work limit of simulateFile, through the library functions the CLI calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { setBandProgress } from "../../src/dose/bands.js";
import { simulateFile } from "../../src/dose/simulate-file.js";
import { closeWorkers } from "../../src/dose/splat.js";
import { PlanError } from "../../src/errors.js";
import { zarrStreams } from "../../src/io/maps.js";
import { STEADY } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-progress-"));
afterEach(() => setBandProgress(undefined));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeWorkers();
});

const planPath = join(dir, "plan.json");
writeFileSync(
  planPath,
  JSON.stringify({
    version: 1,
    name: "progress",
    laser: STEADY,
    spot: { diameterUm: 120 },
    pulse: { energyMj: 10 },
    pattern: { lattice: "square", pitchUm: 500 },
    area: { shape: "rect", widthMm: 4, heightMm: 3 },
    sequence: { order: "serpentine" },
    raster: { pixelUm: 2 },
  }),
);

describe("band progress", () => {
  it("one thread: fractions rise from 0 towards 1, one call per band", async () => {
    const seen: number[] = [];
    setBandProgress((f) => seen.push(f));
    await simulateFile(planPath, { threads: 1, keepDepth: false });
    // 4 × 3 mm at 2 µm: 2000 × 1500 px; a band holds 2^18 px, i.e. 131 rows: 12 bands.
    expect(seen.length).toBe(Math.ceil(1500 / Math.floor(2 ** 18 / 2000)));
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen[seen.length - 1]).toBeCloseTo((seen.length - 1) / seen.length, 12);
  });

  it("maps streamed to .zarr window by window: the last report is 1", async () => {
    const seen: number[] = [];
    setBandProgress((f) => seen.push(f));
    const path = join(dir, "d.zarr");
    await simulateFile(planPath, {
      threads: 1,
      streamMaps: (plan, area) => zarrStreams({ depth: path, heatmaps: false }, plan, area),
    });
    expect(seen.length).toBeGreaterThan(0);
    for (const f of seen) expect(f).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen[seen.length - 1]).toBe(1);
  });

  it("cleared: no more calls", async () => {
    let calls = 0;
    setBandProgress(() => calls++);
    setBandProgress(undefined);
    await simulateFile(planPath, { threads: 1, keepDepth: false });
    expect(calls).toBe(0);
  });
});

describe("simulateFile maxWork", () => {
  it("a limit below the estimate is refused naming --max-work; none or a high one runs", async () => {
    await expect(simulateFile(planPath, { keepDepth: false, maxWork: 1000 })).rejects.toThrow(PlanError);
    await expect(simulateFile(planPath, { keepDepth: false, maxWork: 1000 })).rejects.toThrow(/--max-work/);
    const run = await simulateFile(planPath, { keepDepth: false, maxWork: 1e12 });
    expect(run.sim.report.spots).toBe(48);
  });
});
