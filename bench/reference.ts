/**
 * `npm run bench:reference`: the reference workload (bench/reference/) run side by side by the
 * optimized C kernel, its numpy peer and `laserscan simulate`, alternately, several rounds;
 * prints median wall times, peak memory and the ratios. A missing gcc or numpy is skipped with a
 * line. Speed is never a test failure: this script only measures (docs/performance.md).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./common.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const refDir = join(here, "reference");
const ARGS = ["100", "120", "0.10", "10", "5", "4", "1", "10"];
const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 3);

interface Contender {
  name: string;
  cmd: string;
  args: string[];
  wallS: number[];
  rssMb: number[];
  faults: number[];
  output: string;
}

function have(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

const contenders: Contender[] = [];
const add = (name: string, cmd: string, args: string[]) =>
  contenders.push({ name, cmd, args, wallS: [], rssMb: [], faults: [], output: "" });

if (have("gcc", ["--version"])) {
  const bin = join(mkdtempSync(join(tmpdir(), "refsim-")), "refsim");
  execFileSync("gcc", ["-O3", "-march=native", "-o", bin, join(refDir, "refsim.c"), "-lm"]);
  add("C refsim (1 thread)", bin, ARGS);
} else console.log("skip: gcc not found, the C kernel is not run (install gcc to compare with it)");
if (have("python3", ["-c", "import numpy"]))
  add("numpy peer", "python3", [join(refDir, "refsim_numpy.py"), ...ARGS]);
else
  console.log(
    "skip: python3 with numpy not found, the numpy peer is not run (pip install numpy to compare with it)",
  );
const cli = join(root, "dist", "cli", "index.js");
if (!existsSync(cli)) {
  console.log("skip: dist/ not built (npm run build)");
  process.exit(0);
}
add("laserscan simulate", process.execPath, [cli, "simulate", join(refDir, "plan-reference.json"), "--json"]);

const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
for (let r = 0; r < rounds; r++) {
  for (const c of contenders) {
    const t0 = process.hrtime.bigint();
    const res = timeBin
      ? spawnSync(timeBin, ["-f", "%M %R", c.cmd, ...c.args], { encoding: "utf8", maxBuffer: 1 << 26 })
      : spawnSync(c.cmd, c.args, { encoding: "utf8", maxBuffer: 1 << 26 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.status !== 0) {
      console.log(`${c.name} failed: ${res.stderr.trim().split("\n").slice(-2).join(" ")}`);
      process.exit(1);
    }
    c.wallS.push(wall);
    if (timeBin) {
      // peak RSS (KB) and minor page faults: mapping fresh memory costs differ a lot between machines
      const [rssKb, faults] = (res.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      c.rssMb.push(rssKb / 1024);
      c.faults.push(faults);
    }
    c.output = res.stdout.trim();
    process.stderr.write(`round ${r + 1}: ${c.name} ${wall.toFixed(3)} s\n`);
  }
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ls = contenders.find((c) => c.name.startsWith("laserscan"));
const rows = contenders.map((c) => ({
  name: c.name,
  medianWallS: +median(c.wallS).toFixed(3),
  peakRssMb: c.rssMb.length ? Math.round(Math.max(...c.rssMb)) : undefined,
  pageFaults: c.faults.length ? Math.round(median(c.faults)) : undefined,
  laserscanRatio: ls ? +(median(ls.wallS) / median(c.wallS)).toFixed(2) : undefined,
}));
console.table(rows);
for (const c of contenders) {
  const m = c.output.match(/mean_?[uU]m"?[ :]+([\d.]+)/);
  console.log(`${c.name}: mean depth ${m ? m[1] : "?"} µm`);
}
console.log(
  "laserscanRatio = laserscan wall time / that contender's wall time (≤ 1 means laserscan is as fast or faster)",
);
const out = join(
  here,
  "results",
  `reference-${new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "")}.json`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      rounds,
      machine: machineInfo(),
      rows,
      wallS: Object.fromEntries(contenders.map((c) => [c.name, c.wallS.map((w) => +w.toFixed(3))])),
    },
    null,
    2,
  )}\n`,
);
console.log(`results: ${out}`);
