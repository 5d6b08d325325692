/**
 * `npm run bench:view`: size and load time of view pages in headless Chromium, for the demo
 * plan and for a 100,000-spot plan with a 4000 × 4000 pixel map (not a timed test: the numbers
 * go to bench/results/view-<date>.json and docs/viewer.md). `--screenshot f.png` also saves a
 * picture of the demo page (the README's).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LaserscanView } from "../src/view/data.js";
import { findBrowser, launchBrowser } from "../test/view/browser.js";
import { machineInfo } from "./common.js";

/** The page's globals, as the functions handed to page.evaluate see them. */
declare const window: { laserscanView: LaserscanView };
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  getElementById(id: string): { textContent: string | null } | null;
};

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "cli", "index.js");
const dir = mkdtempSync(join(tmpdir(), "laserscan-bench-view-"));
const LOADS = 5;
const args = process.argv.slice(2);
const shotAt = args.includes("--screenshot") ? args[args.indexOf("--screenshot") + 1] : undefined;

function laserscan(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`laserscan ${argv.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t0;
}

// The demo's page, made as npm run demo makes it.
laserscan(["scan", "fractional-co2-demo", "-o", "scan.json"]);
laserscan(["simulate", "scan.json", "--depth", "depth.npy"]);
const demoCliMs = laserscan(["view", "scan.json", "--depth", "depth.npy", "-o", "demo.html"]);
// 100,000 spots over 40 × 40 mm at 10 µm: a 4000 × 4000 raster, simulated by `view` itself.
writeFileSync(
  join(dir, "big.json"),
  JSON.stringify({
    version: 1,
    name: "view-bench-100k",
    laser: "co2-10600",
    region: "cheek",
    spot: { diameterUm: 120 },
    pulse: { energyMj: 10 },
    pattern: { lattice: "hex", densityPerCm2: 6250, seed: 1 },
    area: { shape: "rect", widthMm: 40, heightMm: 40 },
    scanner: { fieldMm: [20, 20] },
    sequence: { order: "serpentine" },
    raster: { pixelUm: 10 },
  }),
);
const bigCliMs = laserscan(["view", "big.json", "-o", "big.html", "--json"]);

const exe = findBrowser();
if (!exe) throw new Error("no headless Chromium: run scripts/install-browser.sh");
const browser = await launchBrowser(exe);
const rows = [];
for (const [name, file, cliMs] of [
  ["demo (fractional-co2-demo)", "demo.html", demoCliMs],
  ["100,000 spots, 4000 × 4000 px", "big.html", bigCliMs],
] as const) {
  const path = join(dir, file);
  const loads: number[] = [];
  const ready: number[] = [];
  let info: Record<string, unknown> = {};
  for (let k = 0; k < LOADS; k++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const t0 = performance.now();
    await page.goto(pathToFileURL(path).href);
    await page.waitForFunction(() => document.body.dataset.readyMs !== undefined, undefined, {
      timeout: 120_000,
    });
    loads.push(performance.now() - t0);
    ready.push(Number(await page.evaluate(() => document.body.dataset.readyMs)));
    info = await page.evaluate(() => {
      const v = (window as unknown as { laserscanView: { spotCount: number; maxDepthUm: number } })
        .laserscanView;
      return {
        spots: v.spotCount,
        maxDepthUm: v.maxDepthUm,
        note: document.getElementById("mapnote")?.textContent,
      };
    });
    if (shotAt && file === "demo.html" && k === 0) {
      await page.mouse.move(560, 420);
      await page.mouse.wheel(0, -700);
      await page.waitForTimeout(200);
      await page.evaluate(() => {
        const v = (
          window as unknown as { laserscanView: { setTimeMs(ms: number): number; treatmentMs: number } }
        ).laserscanView;
        v.setTimeMs(v.treatmentMs * 0.45);
      });
      await page.waitForTimeout(200);
      mkdirSync(dirname(shotAt), { recursive: true });
      await page.screenshot({ path: shotAt, fullPage: true });
    }
    await page.close();
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const row = {
    name,
    bytes: statSync(path).size,
    cliMs: Math.round(cliMs),
    loadMsMedian: Math.round(median(loads)),
    loadMs: loads.map(Math.round),
    readyMsMedian: median(ready),
    ...info,
  };
  rows.push(row);
  console.log(
    `${name}: ${(row.bytes / 1e6).toFixed(1)} MB, written in ${(cliMs / 1000).toFixed(2)} s; loads in ${row.loadMsMedian} ms ` +
      `(median of ${LOADS}; page ready ${row.readyMsMedian} ms after navigation start)`,
  );
}
await browser.close();
rmSync(dir, { recursive: true, force: true });
const stamp = new Date().toISOString().replace(/:/g, "-").slice(0, 19);
const out = join(here, "results", `view-${stamp}.json`);
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), machine: machineInfo(), browser: exe, rows }, null, 2)}\n`,
);
console.log(`results: ${out}`);
