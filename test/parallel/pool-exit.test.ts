/**
 * An idle pool worker does not keep the process alive: a plain Node script (against the built
 * dist/) that calls a pooled function exits by itself, without calling closeWorkers().
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliResult, ROOT, runNodeAsync } from "../helpers/cli.js";

const dist = (p: string): string => pathToFileURL(join(ROOT, "dist", p)).href;

/**
 * Run an ES module script (a file: node flags such as --input-type would pass on to the workers)
 * with plain node; its exit code (−1 when killed), output and errors.
 */
async function runScript(source: string, killAfterMs: number): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), "laserscan-pool-"));
  const file = join(dir, "script.mjs");
  writeFileSync(file, source);
  try {
    return await runNodeAsync([file], ROOT, killAfterMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A generous limit: the point is that the script ends at all (before the fix it never did), not how fast.
const KILL_AFTER_MS = 120_000;

describe("idle pool workers", () => {
  it("let a script that ran the bulk rise on two threads exit by itself", async () => {
    // 30,000 spots (above the far field's two-thread threshold) on a 0.1 mm grid, 0.2 ms apart.
    const script = `
      import { bulkRise } from ${JSON.stringify(dist("heat/bulk-rise.js"))};
      const n = 30000;
      const x = new Float64Array(n), y = new Float64Array(n), t = new Float64Array(n);
      for (let i = 0; i < n; i++) { x[i] = (i % 173) * 0.1; y[i] = Math.floor(i / 173) * 0.1; t[i] = i * 0.2; }
      const heat = { qJ: 1e-3, depthMm: 0.2, s0Mm2: 0.0036, wholePulse: false };
      const r = bulkRise(x, y, t, new Uint32Array(n).fill(1), heat, { threads: 2 });
      console.log("finished", Number.isFinite(r[n - 1]) && r[n - 1] > 0);
    `;
    const r = await runScript(script, KILL_AFTER_MS);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("finished true");
    expect(r.code).toBe(0);
  }, 180_000);

  it("let a script that awaited a worker's answer exit by itself", async () => {
    const script = `
      import { ask } from ${JSON.stringify(dist("parallel/pool.js"))};
      import { wasmModule } from ${JSON.stringify(dist("wasm/module.js"))};
      const job = { module: wasmModule(), nBands: 0, counter: new Int32Array(new SharedArrayBuffer(4)), levelBits: new Uint32Array(1) };
      const a = await ask(0, { kind: "bands", job });
      console.log("answered", a.bands);
    `;
    const r = await runScript(script, KILL_AFTER_MS);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("answered 0");
    expect(r.code).toBe(0);
  }, 180_000);
});
