/**
 * The facades in src/wasm/ are the only callers of the WebAssembly module: every function they
 * declare exists with the parameter count they pass, every function the module exports belongs to
 * exactly one facade, and the constants written on both sides have the same values.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BULK_EXACT_EXPORTS, RECENT_PARAMS } from "../src/wasm/bulk-exact.js";
import { HEAT_EXACT_EXPORTS } from "../src/wasm/heat-exact.js";
import { FIELDS, HEAT_GRID_EXPORTS, MARGIN, TAPS } from "../src/wasm/heat-grid.js";
import { wasmModule } from "../src/wasm/module.js";
import { POISSON_EXPORTS } from "../src/wasm/poisson.js";
import { SCAN_EXPORTS } from "../src/wasm/scan.js";
import {
  HIST_BASE,
  HIST_BINS,
  HIST_SHIFT,
  MODE_DISC_ADD,
  MODE_DISC_MAX,
  MODE_GAUSS_LINEAR,
  MODE_GAUSS_LOG,
  SPLAT_EXPORTS,
} from "../src/wasm/splat.js";

declare const WebAssembly: {
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

const exports = new WebAssembly.Instance(wasmModule(), {
  env: { abort: () => {}, outOfMemory: () => {} },
}).exports;

/** Every facade's functions, and the module's own (src/wasm/module.ts: the allocator). */
const FACADES: Record<string, Record<string, number>> = {
  module: { alloc: 1, reset: 0 },
  splat: SPLAT_EXPORTS,
  heatGrid: HEAT_GRID_EXPORTS,
  heatExact: HEAT_EXACT_EXPORTS,
  bulkExact: BULK_EXACT_EXPORTS,
  poisson: POISSON_EXPORTS,
  scan: SCAN_EXPORTS,
};

describe("WebAssembly facades (src/wasm/)", () => {
  it("declare functions the module exports, with the module's parameter counts", () => {
    for (const [facade, fns] of Object.entries(FACADES))
      for (const [name, arity] of Object.entries(fns)) {
        const fn = exports[name];
        expect(typeof fn, `${facade}: ${name}`).toBe("function");
        expect((fn as (...a: number[]) => unknown).length, `${facade}: ${name}`).toBe(arity);
      }
  });

  it("own every function the module exports, each in one facade", () => {
    const owners = new Map<string, string[]>();
    for (const [facade, fns] of Object.entries(FACADES))
      for (const name of Object.keys(fns)) owners.set(name, [...(owners.get(name) ?? []), facade]);
    const functions = Object.keys(exports).filter((k) => typeof exports[k] === "function");
    for (const name of functions) expect(owners.get(name)?.length ?? 0, name).toBe(1);
  });

  it("use the module's constants", () => {
    const value = (name: string): number => (exports[name] as { value: number }).value;
    const twins: [string, number][] = [
      ["MODE_GAUSS_LINEAR", MODE_GAUSS_LINEAR],
      ["MODE_GAUSS_LOG", MODE_GAUSS_LOG],
      ["MODE_DISC_ADD", MODE_DISC_ADD],
      ["MODE_DISC_MAX", MODE_DISC_MAX],
      ["HIST_SHIFT", HIST_SHIFT],
      ["HIST_BASE", HIST_BASE],
      ["HIST_BINS", HIST_BINS],
      ["FIELDS", FIELDS],
      ["MARGIN", MARGIN],
      ["TAPS", TAPS],
      ["BULK_PARAMS", RECENT_PARAMS],
    ];
    for (const [name, ts] of twins) expect(value(name), name).toBe(ts);
    // stamps.ts keeps its tolerance private: read it from the source.
    const stamps = readFileSync(new URL("../src/sequence/stamps.ts", import.meta.url), "utf8");
    const edge = Number(/const EDGE_EPS_MM = ([^;]+);/.exec(stamps)?.[1]);
    expect(value("EDGE_EPS_MM")).toBe(edge);
  });
});
