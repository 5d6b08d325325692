/**
 * Determinism (docs/formats.md): the same plan and seed give byte-identical files across runs
 * and across thread counts; another seed gives other bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliAsync } from "../helpers/cli.js";
import { rawPlan } from "../helpers/plans.js";

const dir = mkdtempSync(join(tmpdir(), "laserscan-det-"));
const plan = join(dir, "plan.json");
// Big enough (24 mm at 10 µm = 5.8 M pixels) that the default run splits rows across threads.
writeFileSync(
  plan,
  JSON.stringify(
    rawPlan({
      area: { shape: "circle", diameterMm: 24 },
      pattern: { lattice: "poisson", coverage: 0.12, seed: 3 },
      sequence: { order: "random", seed: 5 },
    }),
  ),
);

async function outputs(tag: string, extra: string[]): Promise<Record<string, Buffer>> {
  const f = (n: string) => join(dir, `${tag}-${n}`);
  const scan = await runCliAsync([
    "scan",
    plan,
    "-o",
    f("scan.json"),
    "--csv",
    f("scan.csv"),
    "--galvo",
    f("galvo.txt"),
  ]);
  expect(scan.code, scan.stderr).toBe(0);
  const sim = await runCliAsync([
    "simulate",
    plan,
    "--depth",
    f("depth.npy"),
    "--coag",
    f("coag.png"),
    "--report",
    f("report.json"),
    "--heatmap",
    f("heatmap.png"),
    ...extra,
  ]);
  expect(sim.code, sim.stderr).toBe(0);
  const png = await runCliAsync(["simulate", plan, "--depth", f("depth.png"), ...extra]);
  expect(png.code, png.stderr).toBe(0);
  const names = [
    "scan.json",
    "scan.csv",
    "galvo.txt",
    "depth.npy",
    "coag.png",
    "report.json",
    "heatmap.png",
    "depth.png",
  ];
  return Object.fromEntries(names.map((n) => [n, readFileSync(f(n))]));
}

describe("determinism", () => {
  it("same plan and seed: the same bytes twice, and with 1 or 2 threads", async () => {
    const a = await outputs("a", []);
    const b = await outputs("b", []);
    const one = await outputs("t1", ["--threads", "1"]);
    const two = await outputs("t2", ["--threads", "2"]);
    for (const name of Object.keys(a)) {
      expect(b[name].equals(a[name]), `${name} differs between runs`).toBe(true);
      expect(one[name].equals(two[name]), `${name} differs between 1 and 2 threads`).toBe(true);
      expect(one[name].equals(a[name]), `${name} differs between default and 1 thread`).toBe(true);
    }
  });

  it("another seed gives another scan", async () => {
    const f = (n: string) => join(dir, n);
    expect((await runCliAsync(["scan", plan, "-o", f("s1.json")])).code).toBe(0);
    expect((await runCliAsync(["scan", plan, "-o", f("s2.json"), "--seed", "4"])).code).toBe(0);
    expect(readFileSync(f("s1.json")).equals(readFileSync(f("s2.json")))).toBe(false);
  });
});
