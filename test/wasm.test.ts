import { describe, expect, it } from "vitest";
import { heatIndex } from "../src/sequence/heat.js";
import { releaseInstance, takeInstance } from "../src/wasm/module.js";
import { randomHeatSpots } from "./sequence/fixtures.js";

describe("WebAssembly instances handed back for reuse (src/wasm/module.ts)", () => {
  it("come back with their allocator reset and the memory used before zeroed", () => {
    const ex = takeInstance();
    const first = ex.alloc(1 << 20);
    new Uint8Array(ex.memory.buffer, first, 1 << 20).fill(0xab);
    const second = ex.alloc(4096);
    new Uint8Array(ex.memory.buffer, second, 4096).fill(0xcd);
    releaseInstance(ex);
    const again = takeInstance();
    expect(again).toBe(ex); // the same instance, reused
    expect(again.alloc(8)).toBe(first);
    const used = new Uint8Array(again.memory.buffer, first, second + 4096 - first);
    expect(used.every((b) => b === 0)).toBe(true);
    releaseInstance(again);
  });

  it("give a run the same bits as a fresh instance, after another run left its data behind", () => {
    // Different sizes and areas, so the grids and cell lists of one run overlap the other's memory.
    const a = randomHeatSpots(12_000, 3, 20, 1);
    const b = randomHeatSpots(30_000, 4, 60, 0.5);
    const run = (s: typeof a) => heatIndex(s.x, s.y, s.t, s.p, 0.06, undefined, undefined, { threads: 1 });
    const firstA = run(a);
    run(b);
    const againA = run(a);
    expect(Buffer.from(againA.buffer).equals(Buffer.from(firstA.buffer))).toBe(true);
  });

  it("stop with a line saying how much was asked for when a request cannot be met", () => {
    const ex = takeInstance();
    // 3 GiB arrives wrapped to a negative i32; a third 1.5 GiB does not fit in the 4 GiB a memory holds.
    expect(() => ex.alloc(3 * 2 ** 30)).toThrow(/ran out of memory: it asked for 3072 MB with \d+ MB in use/);
    expect(ex.alloc(1024)).toBeGreaterThan(0); // the failed request took nothing
    const big = 1.5 * 2 ** 30;
    expect(ex.alloc(big)).toBeGreaterThan(0);
    expect(ex.alloc(big)).toBeGreaterThan(0);
    expect(() => ex.alloc(big)).toThrow(/ran out of memory: it asked for 1536 MB with 307\d MB in use/);
  });
});
