/**
 * The worker pool (src/parallel/pool.ts): jobs reach the one worker program and answer; a worker
 * that dies fails the jobs it was answering and is replaced by a fresh one on the next job.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { BandJob } from "../../src/dose/bands.js";
import { ask, closeWorkers, workersAvailable } from "../../src/parallel/pool.js";
import { wasmModule } from "../../src/wasm/module.js";

/** A splat job with no band left to claim: the worker answers at once with an empty result. */
function noBands(levels: number): BandJob {
  return {
    module: wasmModule(),
    nBands: 0,
    counter: new Int32Array(new SharedArrayBuffer(4)),
    levelBits: new Uint32Array(levels),
  } as unknown as BandJob;
}

afterAll(closeWorkers);

describe("worker pool", () => {
  it("runs the built worker program", () => {
    expect(workersAvailable()).toBe(true);
  });

  it("answers a job on any worker it starts", async () => {
    const [a, b] = await Promise.all([
      ask(0, { kind: "bands", job: noBands(2) }),
      ask(1, { kind: "bands", job: noBands(3) }),
    ]);
    expect(a.bands).toBe(0);
    expect(a.levelCounts.length).toBe(2);
    expect(b.levelCounts.length).toBe(3);
  });

  it("notices a worker that dies, and keeps serving jobs", async () => {
    // No `counter`: the worker's Atomics.load throws, uncaught, and the worker exits.
    const broken = { ...noBands(1), counter: undefined } as unknown as BandJob;
    await expect(ask(0, { kind: "bands", job: broken })).rejects.toThrow();
    const again = await ask(0, { kind: "bands", job: noBands(1) });
    expect(again.bands).toBe(0);
  });
});
