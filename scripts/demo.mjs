#!/usr/bin/env node
// `npm run demo`: the default plan end to end into out/, plus a 30 µm vs 150 µm comparison on
// one depth scale. Every step is a plain `laserscan` command, printed before it runs, so the
// demo doubles as a tour of the CLI.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli", "index.js");
const out = join(root, "out");
mkdirSync(out, { recursive: true });
const o = (f) => join(out, f);
const written = [];

function laserscan(args, files, quiet = false) {
  const shown = args.map((a) => (a.startsWith(root) ? relative(root, a) : a)).join(" ");
  process.stdout.write(`\n$ laserscan ${shown}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });
  if (!quiet) process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) {
    process.stderr.write(`demo: step failed with exit code ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
  for (const f of files) if (existsSync(f)) written.push(f);
  return r.stdout;
}

const plan = "fractional-co2-demo";
laserscan(["presets"], []);
laserscan(
  [
    "scan",
    plan,
    "-o",
    o("scan.json"),
    "--csv",
    o("scan.csv"),
    "--galvo",
    o("scan.galvo.txt"),
    "--preview",
    o("scan-preview.png"),
  ],
  [o("scan.json"), o("scan.csv"), o("scan.galvo.txt"), o("scan-preview.png")],
);
laserscan(
  [
    "simulate",
    o("scan.json"),
    "--depth",
    o("depth.npy"),
    "--coag",
    o("coagulation.npy"),
    "--report",
    o("report.json"),
    "--contours",
    "30,150",
    "--heatmap",
    o("heatmap.png"),
    "--coag-heatmap",
    o("coagulation.png"),
  ],
  [o("depth.npy"), o("coagulation.npy"), o("report.json"), o("heatmap.png"), o("coagulation.png")],
);
laserscan(["simulate", plan, "--depth", o("depth.png"), "--json"], [o("depth.png")], true);
// One page to explore the scan and its depth map in a browser (open out/view.html; docs/viewer.md).
laserscan(["view", o("scan.json"), "--depth", o("depth.npy"), "-o", o("view.html")], [o("view.html")]);

// 30 µm micro-peel against 150 µm resurfacing: both depth maps, then both heatmaps on the
// deeper one's scale so the colours compare directly.
const maxes = [];
for (const p of ["micro-peel-30um", "resurfacing-150um"]) {
  const report = JSON.parse(
    laserscan(
      ["simulate", p, "--depth", o(`${p}.npy`), "--report", o(`${p}.report.json`), "--json"],
      [o(`${p}.npy`), o(`${p}.report.json`)],
      true,
    ),
  );
  process.stdout.write(
    `  ${p}: mean ${report.depth.meanUm.toFixed(1)} µm, max ${report.depth.maxUm.toFixed(1)} µm\n`,
  );
  maxes.push(report.depth.maxUm);
}
const scale = String(Math.ceil(Math.max(...maxes) / 10) * 10);
for (const p of ["micro-peel-30um", "resurfacing-150um"]) {
  laserscan(
    ["render", o(`${p}.npy`), "--plan", p, "--heatmap", o(`compare-${p}.png`), "--max", scale],
    [o(`compare-${p}.png`)],
  );
}

const report = JSON.parse(readFileSync(o("report.json"), "utf8"));
process.stdout.write(
  `\nDefault plan ${plan}: ${report.spots} spots, mean depth ${report.depth.meanUm.toFixed(1)} µm, ` +
    `peak ${report.depth.maxUm.toFixed(0)} µm, treatment ${(report.treatmentMs / 1000).toFixed(1)} s\n`,
);
process.stdout.write("\nFiles written:\n");
for (const f of written) process.stdout.write(`  ${relative(process.cwd(), f) || f}\n`);
