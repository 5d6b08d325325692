/**
 * `npm run bench:scaling`: wall time and peak memory of a whole `laserscan simulate` process
 * against spots (10⁴…10⁶) and pixels (10⁶…10⁸) on the reference 12-gon, for the README's
 * scaling table. Uses /usr/bin/time for peak RSS when it is there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, REFERENCE_LASER, twelveGon } from "./common.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "cli", "index.js");
const dir = mkdtempSync(join(tmpdir(), "laserscan-scaling-"));
const SIZE_MM = 100;
const AREA_MM2 = 3 * (SIZE_MM / 2) ** 2; // a 12-gon of circumradius R has area 3R²
const SPOT_UM = 120;
const w = SPOT_UM / 2000; // mm

function plan(spots: number, pixels: number): string {
  const coverage = (spots / AREA_MM2) * Math.PI * w * w;
  const pixelUm = (SIZE_MM / Math.sqrt(pixels)) * 1000;
  const p = join(dir, `s${spots}-p${pixels}.json`);
  writeFileSync(
    p,
    JSON.stringify({
      version: 1,
      name: `scaling ${spots} spots ${pixels} px`,
      laser: REFERENCE_LASER,
      spot: { diameterUm: SPOT_UM },
      pulse: { energyMj: 10 },
      pattern: { lattice: "hex", coverage },
      area: { shape: "polygon", rings: [twelveGon(SIZE_MM)] },
      sequence: { order: "raster" },
      raster: { pixelUm },
    }),
  );
  return p;
}

const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const rows: { spots: number; pixels: number; wallS: number; peakRssMb?: number; meanUm: number }[] = [];
const runs: [number, number][] = [
  [1e4, 1e7],
  [1e5, 1e7],
  [1e6, 1e7],
  [1e5, 1e6],
  [1e5, 1e8],
];
for (const [spots, pixels] of runs) {
  const args = [cli, "simulate", plan(spots, pixels), "--json"];
  let best = Number.POSITIVE_INFINITY;
  let rss: number | undefined;
  let meanUm = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    const res = timeBin
      ? spawnSync(timeBin, ["-f", "%M", process.execPath, ...args], { encoding: "utf8", maxBuffer: 1 << 26 })
      : spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.status !== 0) throw new Error(res.stderr);
    best = Math.min(best, wall);
    if (timeBin) rss = Math.max(rss ?? 0, Number(res.stderr.trim().split("\n").at(-1)) / 1024);
    meanUm = JSON.parse(res.stdout).depth.meanUm;
  }
  rows.push({
    spots,
    pixels,
    wallS: +best.toFixed(3),
    peakRssMb: rss && Math.round(rss),
    meanUm: +meanUm.toFixed(3),
  });
  process.stderr.write(`${spots} spots, ${pixels} px: ${best.toFixed(3)} s\n`);
}
console.table(rows);
const out = join(
  here,
  "results",
  `scaling-${new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "")}.json`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), machine: machineInfo(), rows }, null, 2)}\n`,
);
console.log(`results: ${out}`);
