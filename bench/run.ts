/**
 * `npm run bench [-- --quick]`: every bench/*.bench.ts suite, a table on stdout and
 * bench/results/<date>.json with ops/s, mean, p99, spots, pixels and machine info.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BenchRow, machineInfo, printRows, runSuite, type Suite } from "./common.js";

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => !only || f.startsWith(only))
  .sort();
const rows: BenchRow[] = [];
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { suite?: Suite };
  if (!mod.suite) continue;
  process.stderr.write(`bench: ${mod.suite.name}${quick ? " (quick)" : ""}...\n`);
  rows.push(...(await runSuite(mod.suite, quick)));
}
printRows(rows);
const stamp = new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
const out = join(here, "results", `${stamp}${quick ? "-quick" : ""}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), quick, machine: machineInfo(), rows }, null, 2)}\n`,
);
process.stdout.write(`results: ${out}\n`);
