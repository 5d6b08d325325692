/**
 * The canonical scan file (docs/formats.md): the resolved plan (laser inline, area self-contained, no
 * file paths), seeds, stats, stamps and the spots in firing order as columnar arrays. The same
 * plan and seed give the same bytes on any machine: positions are rounded to 1e-6 mm and times
 * to 1e-6 ms before printing, and numbers print as ECMAScript's shortest round-trip decimal.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { createArea } from "../area/index.js";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import type { Spots } from "../pattern/types.js";
import { checkPlan, checkPlanArea } from "../plan/check.js";
import { derive } from "../plan/derived.js";
import { parseJson, readJsonFile } from "../plan/json.js";
import { resolveLaser } from "../plan/load.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { parsePlan } from "../plan/validate.js";
import { heatIndex, heatStats, KAPPA_MM2_PER_S, type Scan, type StampInfo } from "../sequence/index.js";
import { noteInput } from "./atomic.js";

export const SCAN_FORMAT = "laserscan-scan";
export const SCAN_VERSION = 1;
/** Positions are written rounded to this, mm. */
export const POSITION_RESOLUTION_MM = 1e-6;
/** Times are written rounded to this, ms. */
export const TIME_RESOLUTION_MS = 1e-6;
/** Temperature rises are written rounded to this, K. */
export const TEMP_RESOLUTION_K = 1e-6;
/** Dimensionless stats (coverage, heat) are written rounded to this. */
const RATIO_RESOLUTION = 1e-9;

/** Summary of a scan (the scan file's `stats`; `laserscan scan --json` prints it). */
export interface ScanStats {
  spots: number;
  areaMm2: number;
  densityPerCm2: number;
  /** Achieved: spots · πw² / area. */
  coverage: number;
  stamps: number;
  treatmentMs: number;
  pathLengthMm: number;
  /** Heat index stats, and the bulk rise in K (maxC, p95C, meanC) when `scan --heat` computed it. */
  heat: { max: number; p95: number; mean: number; maxC?: number; p95C?: number; meanC?: number };
  /** Aiming-beam time, ms, part of treatmentMs (plans with `scanner.aim`; docs/passes.md). */
  aimMs?: number;
  /** Per pass (plans with more than one pass; docs/passes.md). */
  passes?: { spots: number; startMs: number; treatmentMs: number }[];
  warnings: string[];
}

/** Round to a multiple of `step` (1e-6 → six decimals), giving −0 as 0. */
export function roundTo(v: number, step: number): number {
  const inv = Math.round(1 / step);
  const r = Math.round(v * inv) / inv;
  return r === 0 ? 0 : r;
}

const mm = (v: number): number => roundTo(v, POSITION_RESOLUTION_MM);
const ms = (v: number): number => roundTo(v, TIME_RESOLUTION_MS);
const ratio = (v: number): number => roundTo(v, RATIO_RESOLUTION);

/** The stats of a scan of `spots` over `area` (rounded as they are written). */
export function scanStats(plan: ResolvedPlan, area: Area, scan: Scan): ScanStats {
  const n = scan.xMm.length;
  const radiusMm = plan.spot.diameterUm / 2000;
  return {
    spots: n,
    areaMm2: mm(area.areaMm2),
    densityPerCm2: roundTo((n / area.areaMm2) * 100, 1e-6),
    coverage: ratio((n * Math.PI * radiusMm * radiusMm) / area.areaMm2),
    stamps: scan.stamps.length,
    treatmentMs: ms(scan.treatmentMs),
    pathLengthMm: mm(scan.pathLengthMm),
    heat: { max: ratio(scan.heat.max), p95: ratio(scan.heat.p95), mean: ratio(scan.heat.mean) },
    ...(scan.aimMs !== undefined ? { aimMs: ms(scan.aimMs) } : {}),
    ...((scan.passes?.length ?? 1) > 1
      ? {
          passes: (scan.passes ?? []).map((p) => ({
            spots: p.spots,
            startMs: ms(p.startMs),
            treatmentMs: ms(p.treatmentMs),
          })),
        }
      : {}),
    warnings: [...scan.warnings],
  };
}

function numberList(values: ArrayLike<number>, round: (v: number) => number): string {
  const n = values.length;
  const parts = new Array<string>(n);
  for (let i = 0; i < n; i++) parts[i] = String(round(values[i]));
  return `[${parts.join(",")}]`;
}

const isPrimitive = (v: unknown): boolean => v === null || typeof v !== "object";

/** JSON with two-space indents, where arrays of primitives and small flat objects stay on one line. */
function canonical(value: unknown, indent: string): string {
  if (isPrimitive(value)) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    if (value.every(isPrimitive)) return JSON.stringify(value);
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + canonical(v, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const flat = entries.every(([, v]) => isPrimitive(v) || (Array.isArray(v) && v.every(isPrimitive)));
  if (flat) {
    const one = JSON.stringify(Object.fromEntries(entries));
    if (one.length <= 100) return one;
  }
  if (entries.length === 0) return "{}";
  const inner = `${indent}  `;
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${canonical(v, inner)}`).join(",\n")}\n${indent}}`;
}

/** The plan as a scan file carries it: resolved, defaults filled, laser inline, area self-contained. */
export function scanPlan(plan: ResolvedPlan, area: Area): ResolvedPlan {
  return { ...plan, area: area.toSpec() };
}

/**
 * The canonical scan file bytes. `withHeat` adds the per-spot heat index as
 * `spots.heat`; `tempRiseC` (per spot, firing order) adds the bulk rise each spot meets, K, as
 * `spots.tempRiseC` (docs/bulk-heating.md).
 */
export function scanFileJson(
  plan: ResolvedPlan,
  area: Area,
  scan: Scan,
  stats: ScanStats,
  withHeat = false,
  tempRiseC?: Float64Array,
): string {
  const head = canonical(
    {
      format: SCAN_FORMAT,
      version: SCAN_VERSION,
      units: {
        length: "mm",
        time: "ms",
        positionResolutionMm: POSITION_RESOLUTION_MM,
        timeResolutionMs: TIME_RESOLUTION_MS,
        heat: "heat index (docs/model.md): 1 = one earlier pulse on the same spot with no time to cool",
        ...(tempRiseC
          ? { tempRiseC: "K: bulk temperature rise a spot meets when it fires (docs/bulk-heating.md)" }
          : {}),
      },
      plan: scanPlan(plan, area),
      seed: { pattern: plan.pattern.seed, sequence: plan.sequence.seed },
      stats,
      stamps: scan.stamps.map((s: StampInfo) => ({
        centreMm: [mm(s.centreMm[0]), mm(s.centreMm[1])],
        originMm: [mm(s.originMm[0]), mm(s.originMm[1])],
        spots: s.spots,
      })),
    },
    "",
  );
  const columns = [
    `    "xMm": ${numberList(scan.xMm, mm)}`,
    `    "yMm": ${numberList(scan.yMm, mm)}`,
    `    "tMs": ${numberList(scan.tMs, ms)}`,
    `    "stamp": ${numberList(scan.stamp, (v) => v)}`,
    `    "pulses": ${numberList(scan.pulses, (v) => v)}`,
  ];
  if ((scan.passes?.length ?? 1) > 1 && scan.pass)
    columns.push(`    "pass": ${numberList(scan.pass, (v) => v)}`);
  if (withHeat) columns.push(`    "heat": ${numberList(scan.heatPerSpot, ratio)}`);
  if (tempRiseC)
    columns.push(`    "tempRiseC": ${numberList(tempRiseC, (v) => roundTo(v, TEMP_RESOLUTION_K))}`);
  return `${head.slice(0, -2)},\n  "spots": {\n${columns.join(",\n")}\n  }\n}\n`;
}

/** What `simulate` needs from a scan file: the plan, its area, and the spots in firing order. */
export interface ScanFile {
  plan: ResolvedPlan;
  area: Area;
  /** The spots in firing order (so `scan.order` is the identity). */
  spots: Spots;
  scan: Scan;
  /** The file's `spots.tempRiseC` (bulk rise each spot meets when it fires, K), when it has one. */
  tempRiseC?: Float64Array;
}

/** Most pulses a spot may take (the plan's `pulse.stack` limit). */
export const MAX_PULSES_PER_SPOT = 1000;

/** What a column allows: whole numbers or not, and a closed range. */
interface ColumnRule {
  integer: boolean;
  min: number;
  max: number;
  allowed: string;
}

const FINITE: ColumnRule = { integer: false, min: -Infinity, max: Infinity, allowed: "a finite number" };

/** Read column `key` of `n` entries (any length when undefined), every entry checked. */
function numberArray(
  doc: Record<string, unknown>,
  key: string,
  n: number | undefined,
  rule: ColumnRule,
): number[] {
  const v = doc[key];
  const field = `spots.${key}`;
  if (!Array.isArray(v)) throw new PlanError(field, v, "required: an array of numbers");
  if (n !== undefined && v.length !== n)
    throw new PlanError(field, `${v.length} entries`, `allowed: ${n} entries, one per spot`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (
      typeof x !== "number" ||
      !Number.isFinite(x) ||
      (rule.integer && !Number.isInteger(x)) ||
      x < rule.min ||
      x > rule.max
    )
      throw new PlanError(`${field}[${i}]`, x, `allowed: ${rule.allowed}`);
  }
  return v as number[];
}

/**
 * Is `path` a scan file (`format: "laserscan-scan"`)? The first 4 KB are searched for the key
 * (where laserscan writes it); when it is not there, the whole file is parsed and its top-level
 * `format` read, so a scan file with its keys in another order is still one.
 */
export function isScanFile(path: string): boolean {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  const fd = openSync(path, "r");
  let head: string;
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    head = buf.toString("utf8", 0, n);
  } finally {
    closeSync(fd);
  }
  if (/"format"\s*:\s*"laserscan-scan"/.test(head)) return true;
  if (!/"format"/.test(head) && st.size <= head.length) return false;
  try {
    const doc = parseJson(readFileSync(path, "utf8")) as { format?: unknown } | null;
    return typeof doc === "object" && doc !== null && !Array.isArray(doc) && doc.format === SCAN_FORMAT;
  } catch {
    return false;
  }
}

/** Spots lying outside the area (none of the centre and four points a spot radius away inside). */
function outsideSpots(area: Area, x: Float64Array, y: Float64Array, radiusMm: number): number[] {
  const out: number[] = [];
  const r = radiusMm;
  for (let i = 0; i < x.length; i++) {
    const px = x[i];
    const py = y[i];
    if (area.contains(px, py)) continue;
    if (
      area.contains(px + r, py) ||
      area.contains(px - r, py) ||
      area.contains(px, py + r) ||
      area.contains(px, py - r)
    )
      continue;
    out.push(i);
  }
  return out;
}

/**
 * Read a scan file written by {@link scanFileJson}. A wrong `format`, a newer `version` or
 * malformed content is a {@link PlanError}.
 */
export function readScanFile(path: string): ScanFile {
  noteInput(path, "scan file");
  const doc = readJsonFile(path, "scan") as Record<string, unknown>;
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new PlanError("scan", path, `allowed: a ${SCAN_FORMAT} JSON object`);
  if (doc.format !== SCAN_FORMAT) throw new PlanError("format", doc.format, `allowed: "${SCAN_FORMAT}"`);
  if (typeof doc.version !== "number" || !Number.isInteger(doc.version) || doc.version < 1)
    throw new PlanError("version", doc.version, `allowed: ${SCAN_VERSION}`);
  if (doc.version > SCAN_VERSION)
    throw new PlanError(
      "version",
      doc.version,
      `this file was written by a newer laserscan; this one reads scan files up to version ${SCAN_VERSION}`,
    );
  const parsed = parsePlan(doc.plan);
  const plan: ResolvedPlan = { ...parsed, laser: resolveLaser(parsed.laser) };
  checkPlan(plan);
  const area = createArea(plan.area);
  checkPlanArea(plan, area);
  const cols = doc.spots as Record<string, unknown> | undefined;
  if (typeof cols !== "object" || cols === null || Array.isArray(cols))
    throw new PlanError("spots", cols, "required: an object of columns xMm, yMm, tMs, stamp, pulses");
  const xs = numberArray(cols, "xMm", undefined, FINITE);
  const n = xs.length;
  if (n === 0) throw new PlanError("spots.xMm", "0 entries", "allowed: at least one spot");
  const ys = numberArray(cols, "yMm", n, FINITE);
  const ts = numberArray(cols, "tMs", n, { ...FINITE, min: 0, allowed: "a finite time ≥ 0 (ms)" });
  // Spots are listed in firing order: the heat index and the timing read them in that order.
  for (let i = 1; i < n; i++)
    if (ts[i] < ts[i - 1])
      throw new PlanError(
        `spots.tMs[${i}]`,
        ts[i],
        `allowed: times in firing order, not decreasing (spots.tMs[${i - 1}] is ${ts[i - 1]})`,
      );
  const stampCol = numberArray(cols, "stamp", n, {
    integer: true,
    min: 0,
    max: 0xffffffff,
    allowed: "a whole number ≥ 0 (a stamp index)",
  });
  const pulseCol = numberArray(cols, "pulses", n, {
    integer: true,
    min: 1,
    max: MAX_PULSES_PER_SPOT,
    allowed: `a whole number of pulses, 1..${MAX_PULSES_PER_SPOT}`,
  });
  const stampList = doc.stamps;
  if (!Array.isArray(stampList)) throw new PlanError("stamps", stampList, "required: an array of stamps");
  const stamps: StampInfo[] = stampList.map((s: unknown, i: number) => {
    const o = s as { centreMm?: unknown; originMm?: unknown; spots?: unknown };
    const pair = (v: unknown, key: string): [number, number] => {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
        throw new PlanError(`stamps[${i}].${key}`, v, "allowed: [x, y] in mm");
      return [v[0], v[1]];
    };
    return {
      centreMm: pair(o?.centreMm, "centreMm"),
      originMm: pair(o?.originMm, "originMm"),
      spots: typeof o?.spots === "number" && Number.isInteger(o.spots) && o.spots >= 0 ? o.spots : 0,
      durationMs: 0,
    };
  });
  for (let i = 0; i < n; i++)
    if (stampCol[i] >= stamps.length)
      throw new PlanError(`spots.stamp[${i}]`, stampCol[i], `allowed: a stamp index below ${stamps.length}`);
  const x = Float64Array.from(xs);
  const y = Float64Array.from(ys);
  const tMs = Float64Array.from(ts);
  const pulses = Uint32Array.from(pulseCol);
  const heatPerSpot = Array.isArray(cols.heat)
    ? Float64Array.from(
        numberArray(cols, "heat", n, { ...FINITE, min: 0, allowed: "a finite heat index ≥ 0" }),
      )
    : heatIndex(x, y, tMs, pulses, plan.spot.diameterUm / 2000, KAPPA_MM2_PER_S);
  const stats = doc.stats as
    | { treatmentMs?: unknown; pathLengthMm?: unknown; warnings?: unknown }
    | undefined;
  const warnings = Array.isArray(stats?.warnings) ? stats.warnings.map(String) : [];
  const outside = outsideSpots(area, x, y, plan.spot.diameterUm / 2000);
  if (outside.length > 0) {
    const i = outside[0];
    warnings.push(
      `${outside.length} of ${n} spots lie outside the area (first: spot ${i} at (${x[i]}, ${y[i]}) mm); their dose falls outside the maps`,
    );
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // A multi-pass scan's `pass` column (docs/passes.md).
  const passCount = plan.passes?.length ?? plan.pattern.passes ?? 1;
  const passCol = Array.isArray(cols.pass)
    ? Uint16Array.from(
        numberArray(cols, "pass", n, {
          integer: true,
          min: 0,
          max: passCount - 1,
          allowed: `a pass index, 0..${passCount - 1} (the plan has ${passCount} pass${passCount === 1 ? "" : "es"})`,
        }),
      )
    : undefined;
  const scan: Scan = {
    order,
    xMm: x,
    yMm: y,
    tMs,
    stamp: Uint32Array.from(stampCol),
    pulses,
    stamps,
    treatmentMs: typeof stats?.treatmentMs === "number" ? stats.treatmentMs : 0,
    pathLengthMm: typeof stats?.pathLengthMm === "number" ? stats.pathLengthMm : 0,
    heat: heatStats(heatPerSpot),
    heatPerSpot,
    warnings,
    ...(passCol ? { pass: passCol } : {}),
    ...(Array.isArray((stats as { passes?: unknown })?.passes)
      ? {
          passes: (
            stats as { passes: { spots?: unknown; startMs?: unknown; treatmentMs?: unknown }[] }
          ).passes.map((p) => ({
            spots: typeof p?.spots === "number" ? p.spots : 0,
            firstStamp: 0,
            stampCount: 0,
            startMs: typeof p?.startMs === "number" ? p.startMs : 0,
            treatmentMs: typeof p?.treatmentMs === "number" ? p.treatmentMs : 0,
            aimMs: 0,
          })),
        }
      : {}),
    ...(typeof (stats as { aimMs?: unknown })?.aimMs === "number"
      ? { aimMs: (stats as { aimMs: number }).aimMs }
      : {}),
  };
  const spots: Spots = { x, y, count: n, spacingMm: derive(plan).spacingMm };
  const tempRiseC = Array.isArray(cols.tempRiseC)
    ? Float64Array.from(
        numberArray(cols, "tempRiseC", n, {
          ...FINITE,
          min: 0,
          allowed: "a finite temperature rise ≥ 0 (K)",
        }),
      )
    : undefined;
  return { plan, area, spots, scan, ...(tempRiseC ? { tempRiseC } : {}) };
}
