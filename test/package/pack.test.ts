/**
 * The published package: `npm pack` the built project, install the tarball into an empty
 * project with nothing but the npm cache (a lockfile made from this repo's own lockfile, so npm
 * needs no registry metadata), then import it by name and run a plan end to end.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
let dir = "";

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  [k: string]: unknown;
}

/** A lockfile for a project depending only on the tarball: this repo's runtime dependency tree. */
function lockFor(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const self = lock.packages[""];
  const integrity = `sha512-${createHash("sha512")
    .update(readFileSync(join(dir, tarball)))
    .digest("base64")}`;
  const packages: Record<string, unknown> = {
    "": { name: "consumer", version: "1.0.0", dependencies: { laserscan: `file:${tarball}` } },
    "node_modules/laserscan": {
      version: self.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: self.dependencies,
    },
  };
  // The repo's lockfile records no download addresses; with one (the configured registry's usual
  // tarball path) and the integrity, npm takes each tarball from its cache without metadata.
  const registry = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" })
    .trim()
    .replace(/\/$/, "");
  for (const [path, entry] of Object.entries(lock.packages))
    if (path.startsWith("node_modules/") && !entry.dev && !entry.devOptional) {
      const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
      const file = `${name.split("/").pop()}-${String(entry.version)}.tgz`;
      packages[path] = { resolved: `${registry}/${name}/-/${file}`, ...entry };
    }
  return { name: "consumer", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

beforeAll(() => {
  if (!existsSync(join(root, "dist", "index.js"))) throw new Error("dist/ is not built: run npm run build");
  dir = mkdtempSync(join(tmpdir(), "laserscan-pack-"));
  // --ignore-scripts: dist/ is already built (the test run builds it first).
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
    cwd: root,
    stdio: "pipe",
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "consumer",
      version: "1.0.0",
      private: true,
      type: "module",
      dependencies: { laserscan: `file:${tarball}` },
    }),
  );
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lockFor(tarball), null, 2));
  execFileSync("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: dir,
    stdio: "pipe",
  });
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Run an ES module in the consumer project and parse the JSON it prints. */
function runInConsumer(source: string): Record<string, unknown> {
  writeFileSync(join(dir, "main.mjs"), source);
  return JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: dir, encoding: "utf8" }));
}

describe("the packed package", () => {
  it("ships the compiled code, the WebAssembly module and the named plans, and no sources or tests", () => {
    const pkg = join(dir, "node_modules", "laserscan");
    expect(existsSync(join(pkg, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(pkg, "dist", "index.d.ts"))).toBe(true);
    expect(existsSync(join(pkg, "dist", "wasm", "kernels.wasm"))).toBe(true);
    expect(existsSync(join(pkg, "patterns", "fractional-co2-demo.json"))).toBe(true);
    expect(existsSync(join(pkg, "src"))).toBe(false);
    expect(existsSync(join(pkg, "test"))).toBe(false);
  });

  it("imports by name and runs a plan end to end: spot count and mean depth match their closed forms", () => {
    // Square lattice, pitch 0.5 mm, on a 10 × 5 mm rect: spots at pitch·(i + ½), 20 × 10 of them.
    // Steady-state ablation: mean depth = N·V / area, V = (π·η·w²/2)·(F0 − Fth − Fth·ln(F0/Fth)).
    const out = runInConsumer(`
      import { resolvePlan, createArea, generatePattern, buildScan, simulateSpots, scanSummary } from "laserscan";
      const plan = resolvePlan({
        version: 1,
        laser: { name: "test", wavelengthNm: 10600, kind: "ablative", model: "steady-state",
                 thresholdJcm2: 5, etaUmPerJcm2: 4, coagulationUm: 50 },
        spot: { diameterUm: 120 }, pulse: { energyMj: 10 },
        pattern: { lattice: "square", pitchUm: 500 }, area: { shape: "rect", widthMm: 10, heightMm: 5 },
        raster: { pixelUm: 5 },
      }, ".");
      const area = createArea(plan.area);
      const spots = generatePattern(plan, area);
      const scan = buildScan(plan, area, spots);
      const sim = await simulateSpots({ plan, area, spots, pulses: 1, scan: scanSummary(scan) });
      console.log(JSON.stringify({ count: spots.count, report: sim.report,
        shape: [sim.depth.height, sim.depth.width], data: sim.depth.data.constructor.name }));
    `);
    expect(out.count).toBe(200);
    const report = out.report as {
      spots: number;
      areaMm2: number;
      depth: { meanUm: number };
      stamps: number;
    };
    expect(report.spots).toBe(200);
    expect(report.areaMm2).toBeCloseTo(50, 9);
    expect(out.shape).toEqual([1000, 2000]);
    expect(out.data).toBe("Float32Array");
    const wUm = 60;
    const f0 = (2 * 10e-3) / (Math.PI * (wUm * 1e-4) ** 2);
    const volumeUm3 = ((Math.PI * 4 * wUm * wUm) / 2) * (f0 - 5 - 5 * Math.log(f0 / 5));
    const meanUm = (200 * volumeUm3) / 50e6;
    expect(report.depth.meanUm).toBeGreaterThan(meanUm * 0.98);
    expect(report.depth.meanUm).toBeLessThan(meanUm * 1.02);
  });

  it("runs the README's library example as written", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const example = /## As a library\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(dir, "example.mjs"), example ?? "");
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, encoding: "utf8" });
    // Default plan at 20 % coverage on 20 × 20 mm: 0.2 / (π·(60 µm)²) = 1,768 spots per cm², ×4 cm².
    const [spots, meanUm] = out.trim().split("\n")[0].split(" ").map(Number);
    expect(Math.abs(spots - (0.2 / (Math.PI * 0.006 ** 2)) * 4) / spots).toBeLessThan(0.02);
    expect(meanUm).toBeGreaterThan(0);
    expect(out.trim().split("\n")[1]).toBe("2000 2000 10");
  });

  it("finds its named plans from the installed package", () => {
    const out = runInConsumer(`
      import { loadPlan } from "laserscan";
      const { plan } = loadPlan("fractional-co2-demo");
      console.log(JSON.stringify({ name: plan.name, lattice: plan.pattern.lattice }));
    `);
    expect(out).toEqual({ name: "fractional-co2-demo", lattice: "hex" });
  });
});
