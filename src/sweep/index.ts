/**
 * `sweep` as a library (issue 6 item 4): parse `--vary key=v1,v2,...`, expand the cross
 * product of the varied plan keys (first key outermost), validate every variant before any
 * runs, simulate them (stats only) on every core, and flatten the reports into rows whose
 * columns are the varied keys and the SPEC §5 report values under dotted names.
 *
 * Parallelism: a variant whose raster is big enough for the dose engine to split it across
 * threads runs alone on the main thread; small ones run side by side, single-threaded, one on
 * the main thread and one on each extra worker thread (cores − 1 of them). Results are put back in variant order, so the output is the same
 * whatever the concurrency.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { doseModel } from "../dose/ablation.js";
import type { Report } from "../dose/report.js";
import { checkMemory, DEFAULT_MAX_MEMORY_MB, rasterBytes, rasterSize, threadsFor } from "../dose/splat.js";
import { nearest, oneOf, PlanError } from "../errors.js";
import { resolvePlan } from "../plan/load.js";
import {
  objectFields,
  planSchema,
  type ResolvedPlan,
  type SchemaNode,
  unionBranch,
  unwrapSchema,
} from "../plan/schema.js";
import type { Cell, CsvTable } from "./csv.js";
import { simulateVariant } from "./variant.js";
import type { WorkerAnswer, WorkerJob } from "./worker.js";

/** A varied value: a number when the text is numeric, else the text. */
export type VaryValue = number | string;

/** One `--vary key=v1,v2,...`. */
export interface VarySpec {
  key: string;
  values: VaryValue[];
}

/** Report values in the CSV, under dotted names (SPEC §5), in column order. */
export const REPORT_COLUMNS = [
  "spots",
  "areaMm2",
  "densityPerCm2",
  "coverage",
  "depth.meanUm",
  "depth.maxUm",
  "depth.p95Um",
  "ablatedFraction",
  "coagulation.meanUm",
  "coagulation.maxUm",
  "heat.max",
  "heat.p95",
  "heat.mean",
  "heat.maxC",
  "heat.p95C",
  "heat.meanC",
  "pathLengthMm",
  "treatmentMs",
  "stamps",
  "warnings",
] as const;

/** Report values in the stdout table, after the varied keys. */
export const TABLE_COLUMNS = [
  "depth.meanUm",
  "depth.p95Um",
  "depth.maxUm",
  "ablatedFraction",
  "coverage",
  "heat.max",
  "heat.p95",
  "treatmentMs",
] as const;

/** Metrics a chart can plot: every numeric report column. */
export const METRICS: readonly string[] = REPORT_COLUMNS.filter((c) => c !== "warnings");

/** Default chart metric. */
export const DEFAULT_METRIC = "depth.meanUm";

/** Keys that all set the density (or the energy): a sweep may vary only one of each group. */
const EXCLUSIVE_GROUPS = [
  ["pattern.coverage", "pattern.pitchUm", "pattern.densityPerCm2"],
  ["pulse.energyMj", "pulse.fluenceJcm2"],
];

/** Read a `--vary` value: numeric text becomes a number, anything else stays text. */
export function parseVaryValue(text: string): VaryValue {
  const t = text.trim();
  const v = Number(t);
  return t !== "" && Number.isFinite(v) ? v : t;
}

/** Parse one `--vary key=v1,v2,...`. */
export function parseVary(text: string): VarySpec {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new PlanError(
      "--vary",
      text,
      "allowed: key=v1,v2,... with a dotted plan key, e.g. pattern.coverage=0.05,0.1",
    );
  const key = text.slice(0, eq).trim();
  const parts = text.slice(eq + 1).split(",");
  if (parts.some((p) => p.trim() === ""))
    throw new PlanError(
      `--vary ${key}`,
      text.slice(eq + 1),
      "allowed: comma-separated values, none empty, e.g. 0.05,0.1,0.2",
    );
  const values = parts.map(parseVaryValue);
  const seen = new Set<string>();
  for (const v of values) {
    const id = `${typeof v}:${v}`;
    if (seen.has(id)) throw new PlanError(`--vary ${key}`, v, "allowed: each value once");
    seen.add(id);
  }
  return { key, values };
}

/** The cross product of the varied values, first key outermost (it changes slowest). */
export function crossProduct(specs: readonly VarySpec[]): VaryValue[][] {
  let out: VaryValue[][] = [[]];
  for (const s of specs) {
    const next: VaryValue[][] = [];
    for (const prefix of out) for (const v of s.values) next.push([...prefix, v]);
    out = next;
  }
  return specs.length === 0 ? [] : out;
}

function collectKeys(s: SchemaNode, value: unknown, prefix: string, out: string[]): void {
  const node = unionBranch(s, value) ?? unwrapSchema(s);
  const fields = objectFields(node);
  if (fields)
    for (const [k, sub] of Object.entries(fields))
      collectKeys(
        sub,
        (value as Record<string, unknown> | undefined)?.[k],
        prefix ? `${prefix}.${k}` : k,
        out,
      );
  else if (prefix) out.push(prefix);
}

/** Every dotted key a plan like `plan` can set (its area shape's keys, the inline laser's keys). */
export function planKeys(plan: ResolvedPlan): string[] {
  const out: string[] = [];
  collectKeys(planSchema as unknown as SchemaNode, plan, "", out);
  return out;
}

/** Refuse a key the plan does not have, with a hint. */
export function checkVaryKey(key: string, known: readonly string[]): void {
  if (known.includes(key)) return;
  let hint = nearest(key, known);
  if (!hint) {
    const tail = known.filter((k) => k.endsWith(`.${key}`));
    if (tail.length === 1) hint = tail[0];
  }
  const examples = [
    "pattern.coverage",
    "pulse.energyMj",
    "spot.diameterUm",
    "sequence.order",
    "pattern.lattice",
  ];
  throw new PlanError(
    "--vary",
    key,
    `unknown plan key${hint ? ` (did you mean "${hint}"?)` : ""}; allowed: a dotted plan key such as ${examples.join(", ")}`,
  );
}

/** A PlanError with a prefix naming the variant (the original's field, value and allowed kept). */
export function prefixed(err: PlanError, prefix: string): PlanError {
  const e = new PlanError(err.field, err.value, err.allowed);
  e.message = `${prefix}: ${err.message}`;
  return e;
}

function describeVariant(keys: readonly string[], values: readonly VaryValue[]): string {
  return `variant ${keys.map((k, i) => `${k}=${values[i]}`).join(" ")}`;
}

/** One variant of a sweep: its index in the cross product, its values and its resolved plan. */
export interface Variant {
  index: number;
  values: VaryValue[];
  plan: ResolvedPlan;
  /** Raster pixels (to choose where it runs). */
  pixels: number;
}

/** A validated sweep ready to run. */
export interface SweepPlan {
  name: string;
  keys: string[];
  /** Number of variants in the whole cross product. */
  total: number;
  /** The variants this run simulates (all, or one shard's), in variant order. */
  variants: Variant[];
  baseDir: string;
  maxMemoryMb: number;
}

/** `--shard K/N`: 1-based K of N. */
export interface Shard {
  k: number;
  n: number;
}

/** Parse `--shard K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || !(n >= 1) || !(k >= 1) || k > n)
    throw new PlanError(
      "--shard",
      text,
      "allowed: K/N with 1 ≤ K ≤ N, e.g. 2/4 (K is 1-based, as a Slurm array index)",
    );
  return { k, n };
}

/** Variant indices of shard K of N among `total`: every N-th, starting at K − 1 (round-robin). */
export function shardIndices(total: number, shard?: Shard): number[] {
  const out: number[] = [];
  const step = shard?.n ?? 1;
  for (let i = (shard?.k ?? 1) - 1; i < total; i += step) out.push(i);
  return out;
}

/**
 * Validate a sweep before anything runs: every key is a plan key, every value is valid on its
 * own (`--vary key=value: ...`) and every combination resolves and has a dose model
 * (`variant k1=v1 k2=v2: ...`); the rasters fit the memory limit.
 */
export function prepareSweep(
  base: ResolvedPlan,
  baseDir: string,
  specs: readonly VarySpec[],
  opts: { shard?: Shard; maxMemoryMb?: number } = {},
): SweepPlan {
  if (specs.length === 0)
    throw new PlanError(
      "--vary",
      undefined,
      "required: at least one --vary key=v1,v2,... (e.g. pattern.coverage=0.05,0.1)",
    );
  const known = planKeys(base);
  const keys: string[] = [];
  for (const s of specs) {
    checkVaryKey(s.key, known);
    if (keys.includes(s.key)) throw new PlanError("--vary", s.key, "allowed: each key in one --vary only");
    for (const group of EXCLUSIVE_GROUPS) {
      const other = keys.find((k) => k !== s.key && group.includes(k) && group.includes(s.key));
      if (other)
        throw new PlanError(
          "--vary",
          s.key,
          `it sets the same thing as --vary ${other}; allowed: one of ${group.join(", ")}`,
        );
    }
    keys.push(s.key);
  }
  const maxMemoryMb = opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  // Each value alone first, so the message names the one bad value.
  for (const s of specs)
    for (const v of s.values) {
      try {
        const plan = resolvePlan(base, baseDir, { [s.key]: v });
        doseModel(plan);
      } catch (e) {
        if (e instanceof PlanError) throw prefixed(e, `--vary ${s.key}=${v}`);
        throw e;
      }
    }
  const combos = crossProduct(specs);
  const areas = new Map<string, Area>();
  const wanted = new Set(shardIndices(combos.length, opts.shard));
  const variants: Variant[] = [];
  combos.forEach((values, index) => {
    const overrides: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      overrides[k] = values[i];
    });
    try {
      const plan = resolvePlan(base, baseDir, overrides);
      doseModel(plan);
      const areaKey = JSON.stringify(plan.area);
      let area = areas.get(areaKey);
      if (!area) {
        area = createArea(plan.area, baseDir);
        areas.set(areaKey, area);
      }
      const { width, height } = rasterSize(area, plan.raster.pixelUm);
      const threads = threadsFor(width * height);
      checkMemory(rasterBytes(width, height, false, threads), maxMemoryMb, width, height);
      if (wanted.has(index)) variants.push({ index, values, plan, pixels: width * height });
    } catch (e) {
      if (e instanceof PlanError) throw prefixed(e, describeVariant(keys, values));
      throw e;
    }
  });
  return { name: base.name, keys, total: combos.length, variants, baseDir, maxMemoryMb };
}

/** One simulated variant. */
export interface SweepRow {
  variant: number;
  values: VaryValue[];
  report: Report;
}

/** Options of {@link runSweep}. */
export interface RunOptions {
  /**
   * Variants simulated at once (worker threads). Default: the cores, when the variants are big
   * enough to pay for starting the workers; 1 runs everything on the calling thread.
   */
  concurrency?: number;
  /** Called after each variant with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Below this many raster pixels in a batch a worker costs more to start (module load, its own
 * instances) than it saves. Measured with `sweep patterns/fractional-co2-demo.json` (4 M px a
 * variant), one thread against the pool, medians of 5: 5 variants (20 M px) 0.60 against 0.68 s,
 * 12 (48 M px) 0.73 against 0.81 s; 24 (96 M px) 0.83 against 0.75 s.
 */
const POOL_MIN_PIXELS = 80_000_000;

/** How to start a sweep worker from here: the built worker.js, or worker.ts through tsx. */
function workerSource(): { code: string } | undefined {
  const here = import.meta.url;
  const js = new URL("./worker.js", here);
  if (existsSync(fileURLToPath(js))) return { code: `import(${JSON.stringify(js.href)});` };
  const ts = new URL("./worker.ts", here);
  if (!existsSync(fileURLToPath(ts))) return undefined;
  // Running from the TypeScript source (vitest, tsx): register tsx's loader in the worker first.
  try {
    const require = createRequire(here);
    const api = join(dirname(require.resolve("tsx/package.json")), "dist", "esm", "api", "index.mjs");
    if (!existsSync(api)) return undefined;
    const apiUrl = pathToFileURL(api).href;
    return {
      code: `import(${JSON.stringify(apiUrl)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`,
    };
  } catch {
    return undefined;
  }
}

/** Can this process start sweep workers (built worker.js, or worker.ts with tsx)? */
export function sweepWorkersAvailable(): boolean {
  return workerSource() !== undefined;
}

function errorFromWorker(answer: Extract<WorkerAnswer, { error: unknown }>): Error {
  const p = answer.error.plan;
  if (p) return new PlanError(p.field, p.value, p.allowed);
  const e = new Error(answer.error.message);
  if (answer.error.stack) e.stack = answer.error.stack;
  return e;
}

/** Jobs queued on a worker at once, so it never waits while the main thread is busy. */
const WORKER_QUEUE = 2;

/**
 * Run `jobs` on the calling thread plus `workers` worker threads; each takes the next job in
 * variant order as it frees up, and each result goes to `done(job, report)`.
 */
async function runOnPool(
  workers: number,
  code: string,
  jobs: WorkerJob[],
  done: (job: WorkerJob, report: Report) => void,
): Promise<void> {
  const started: Worker[] = [];
  let next = 0;
  let failed = false;
  const fail = (err: unknown, index?: number): never => {
    failed = true;
    throw Object.assign(err as object, { variantIndex: index });
  };
  const onWorker = (w: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      const inFlight = new Map<number, WorkerJob>();
      const fill = (): void => {
        while (!failed && next < jobs.length && inFlight.size < WORKER_QUEUE) {
          const job = jobs[next++];
          inFlight.set(job.index, job);
          w.postMessage(job);
        }
        if (inFlight.size === 0) {
          cleanup();
          resolve();
        }
      };
      const onMessage = (answer: WorkerAnswer): void => {
        const job = inFlight.get(answer.index) as WorkerJob;
        inFlight.delete(answer.index);
        if ("error" in answer) {
          cleanup();
          try {
            fail(errorFromWorker(answer), answer.index);
          } catch (e) {
            reject(e);
          }
          return;
        }
        done(job, answer.report);
        fill();
      };
      const onError = (err: Error): void => {
        failed = true;
        cleanup();
        reject(err);
      };
      const cleanup = (): void => {
        w.off("message", onMessage);
        w.off("error", onError);
      };
      w.on("message", onMessage);
      w.on("error", onError);
      fill();
    });
  const onMain = async (): Promise<void> => {
    // Let the workers get their first jobs before this thread takes one.
    await new Promise((r) => setImmediate(r));
    while (!failed && next < jobs.length) {
      const job = jobs[next++];
      let report: Report;
      try {
        report = await simulateVariant(job.plan, job.baseDir, { threads: 1, maxMemoryMb: job.maxMemoryMb });
      } catch (e) {
        fail(e, job.index);
        return;
      }
      done(job, report);
      // Yield so the workers' answers are taken and they get new jobs.
      await new Promise((r) => setImmediate(r));
    }
  };
  try {
    for (let t = 0; t < workers; t++) started.push(new Worker(code, { eval: true }));
    const results = await Promise.allSettled([...started.map(onWorker), onMain()]);
    const rejected = results.find((r) => r.status === "rejected");
    if (rejected) throw (rejected as PromiseRejectedResult).reason;
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

/**
 * Simulate the sweep's variants (stats only) and return one row per variant, in variant
 * order. A PlanError raised while a variant runs (e.g. no spot in the area) names the variant.
 */
export async function runSweep(sweep: SweepPlan, opts: RunOptions = {}): Promise<SweepRow[]> {
  const vs = sweep.variants;
  const reports = new Array<Report | undefined>(vs.length);
  let finished = 0;
  const progress = (): void => {
    finished++;
    opts.onProgress?.(finished, vs.length);
  };
  const name = (i: number): string => describeVariant(sweep.keys, vs[i].values);
  const cores = opts.concurrency ?? availableParallelism();
  const code = cores > 1 ? workerSource()?.code : undefined;
  // Consecutive small variants form a batch for the pool; a big one runs alone, multi-threaded.
  let i = 0;
  while (i < vs.length) {
    const big = threadsFor(vs[i].pixels) > 1;
    let j = i + 1;
    while (j < vs.length && threadsFor(vs[j].pixels) > 1 === big) j++;
    let pixels = 0;
    for (let k = i; k < j; k++) pixels += vs[k].pixels;
    const pool =
      !big &&
      code !== undefined &&
      j - i > 1 &&
      (opts.concurrency !== undefined || pixels >= POOL_MIN_PIXELS);
    if (pool) {
      const jobs: WorkerJob[] = [];
      for (let k = i; k < j; k++)
        jobs.push({ index: k, plan: vs[k].plan, baseDir: sweep.baseDir, maxMemoryMb: sweep.maxMemoryMb });
      try {
        await runOnPool(Math.min(cores, j - i) - 1, code as string, jobs, (job, report) => {
          reports[job.index] = report;
          progress();
        });
      } catch (e) {
        const at = (e as { variantIndex?: number }).variantIndex;
        if (e instanceof PlanError && at !== undefined) throw prefixed(e, name(at));
        throw e;
      }
    } else {
      for (let k = i; k < j; k++) {
        try {
          reports[k] = await simulateVariant(vs[k].plan, sweep.baseDir, {
            threads: big ? opts.concurrency : 1,
            maxMemoryMb: sweep.maxMemoryMb,
          });
        } catch (e) {
          if (e instanceof PlanError) throw prefixed(e, name(k));
          throw e;
        }
        progress();
      }
    }
    i = j;
  }
  return vs.map((v, k) => ({ variant: v.index, values: v.values, report: reports[k] as Report }));
}

/** A report value by its dotted column name (warnings joined by " | "). */
export function reportCell(report: Report, column: string): Cell {
  if (column === "warnings") return report.warnings.join(" | ");
  let o: unknown = report;
  for (const k of column.split(".")) o = (o as Record<string, unknown> | null | undefined)?.[k];
  return typeof o === "number" ? o : o === null || o === undefined ? null : String(o);
}

/** Rows as a table: the varied keys, then {@link REPORT_COLUMNS}. */
export function sweepTable(keys: readonly string[], rows: readonly SweepRow[]): CsvTable {
  return {
    columns: [...keys, ...REPORT_COLUMNS],
    rows: rows.map((r) => [...r.values, ...REPORT_COLUMNS.map((c) => reportCell(r.report, c))]),
  };
}

/** Rows as JSON objects keyed by column (warnings as a list), with their variant index. */
export function sweepJson(keys: readonly string[], rows: readonly SweepRow[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = { variant: r.variant };
    keys.forEach((k, i) => {
      o[k] = r.values[i];
    });
    for (const c of REPORT_COLUMNS)
      o[c] = c === "warnings" ? [...r.report.warnings] : reportCell(r.report, c);
    return o;
  });
}

function shortNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a === 0) return "0";
  return String(Number(v.toPrecision(4)));
}

/** The human table (stdout): the varied keys, then {@link TABLE_COLUMNS}; warnings listed after. */
export function formatSweepTable(table: CsvTable, keyCount: number): string {
  const cols = [...table.columns.slice(0, keyCount), ...TABLE_COLUMNS];
  const idx = cols.map((c) => table.columns.indexOf(c));
  const cells = table.rows.map((r) =>
    idx.map((i) => {
      const c = i >= 0 ? r[i] : null;
      return c === null ? "–" : typeof c === "number" ? shortNumber(c) : c;
    }),
  );
  const numeric = idx.map((i) => table.rows.every((r) => i < 0 || typeof r[i] === "number" || r[i] === null));
  const width = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]): string =>
    r
      .map((s, j) => (numeric[j] ? s.padStart(width[j]) : s.padEnd(width[j])))
      .join("  ")
      .trimEnd();
  const out = [line(cols), ...cells.map(line)];
  const w = table.columns.indexOf("warnings");
  if (w >= 0) {
    const seen = new Map<string, number[]>();
    table.rows.forEach((r, k) => {
      const text = r[w];
      if (typeof text !== "string" || text === "") return;
      for (const msg of text.split(" | ")) {
        const list = seen.get(msg) ?? [];
        list.push(k + 1);
        seen.set(msg, list);
      }
    });
    for (const [msg, list] of seen)
      out.push(
        `warning (${list.length === table.rows.length ? "all rows" : `row${list.length > 1 ? "s" : ""} ${list.join(", ")}`}): ${msg}`,
      );
  }
  return `${out.join("\n")}\n`;
}

/** Check `--metric`. */
export function checkMetric(metric: string): void {
  if (!METRICS.includes(metric)) throw new PlanError("--metric", metric, oneOf(metric, METRICS));
}
