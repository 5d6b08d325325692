/**
 * Re-hit efficiency tables from evidence (docs/rehit.md): patterns/lasers/data/rehit.csv holds,
 * per laser, depths per pulse measured at pulse intervals (1 / repetition rate). A laser's
 * table is e(Δt) = depth(Δt) / depth at its longest measured interval (the isolated pulse),
 * capped at 1, over its `fit` rows at one fluence.
 */
import { parse } from "csv-parse/sync";
import { PlanError } from "../errors.js";
import { checkEvidenceAndUse } from "./csv.js";

/** The columns of rehit.csv, in order. */
export const REHIT_COLUMNS = [
  "laser",
  "source",
  "doi_or_url",
  "evidence",
  "tissue_site",
  "fluenceJcm2",
  "intervalMs",
  "depthPerPulseUm",
  "use",
  "notes",
] as const;

/** One measured depth per pulse at a pulse interval. */
export interface ReHitRow {
  row: number;
  laser: string;
  source: string;
  use: string;
  fluenceJcm2?: number;
  intervalMs?: number;
  depthPerPulseUm?: number;
}

function num(row: number, col: string, v: string): number | undefined {
  if (v === "") return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0)
    throw new PlanError(`row ${row}, column ${col}`, v, "allowed: a number > 0, or empty");
  return x;
}

/** Parse rehit.csv. */
export function parseReHit(text: string): ReHitRow[] {
  const recs = parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  const header = recs[0] ?? [];
  if (header.join(",") !== REHIT_COLUMNS.join(","))
    throw new PlanError("row 0", header.join(","), `allowed: the header ${REHIT_COLUMNS.join(",")}`);
  return recs.slice(1).map((cells, i) => {
    const row = i + 1;
    const r = Object.fromEntries(header.map((h, k) => [h, cells[k]])) as Record<string, string>;
    checkEvidenceAndUse(row, r.evidence, r.use);
    return {
      row,
      laser: r.laser,
      source: r.source,
      use: r.use,
      fluenceJcm2: num(row, "fluenceJcm2", r.fluenceJcm2),
      intervalMs: num(row, "intervalMs", r.intervalMs),
      depthPerPulseUm: num(row, "depthPerPulseUm", r.depthPerPulseUm),
    };
  });
}

/**
 * The re-hit table of `laser` from its `fit` rows (undefined when fewer than two intervals were
 * measured): [interval, depth / depth at the longest interval] sorted by interval, efficiency
 * capped at 1 and rounded to 4 digits; rows at one interval are averaged.
 */
export function fitReHit(rows: readonly ReHitRow[], laser: string): [number, number][] | undefined {
  const use = rows.filter(
    (r) =>
      r.laser === laser && r.use === "fit" && r.intervalMs !== undefined && r.depthPerPulseUm !== undefined,
  );
  const byInterval = new Map<number, number[]>();
  for (const r of use)
    byInterval.set(r.intervalMs as number, [
      ...(byInterval.get(r.intervalMs as number) ?? []),
      r.depthPerPulseUm as number,
    ]);
  if (byInterval.size < 2) return undefined;
  const pts = [...byInterval.entries()]
    .map(([t, ds]) => [t, ds.reduce((a, b) => a + b, 0) / ds.length] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const ref = pts[pts.length - 1][1];
  return pts.map(([t, d]) => [t, +Math.min(1, d / ref).toPrecision(4)]);
}

/** The sources of `laser`'s fitted rows, joined for the preset's `sources.reHit`. */
export function reHitSources(rows: readonly ReHitRow[], laser: string): string {
  return [...new Set(rows.filter((r) => r.laser === laser && r.use === "fit").map((r) => r.source))].join(
    "; ",
  );
}

/** One interval of {@link fitReHitFromStacks}: the efficiency fitted and the rows behind it. */
export interface StackInterval {
  intervalMs: number;
  /** Least-squares efficiency before clamping. */
  fitted: number;
  /** The table's efficiency: `fitted` capped at 1, 4 significant digits. */
  efficiency: number;
  rows: number[];
}

/** A re-hit table fitted from stacked measurements, with what was done to it. */
export interface StackFit {
  table: [number, number][];
  intervals: StackInterval[];
  warnings: string[];
}

/** Rows of a stack fit: a measured total depth of `pulses` pulses `intervalMs` apart. */
export interface StackRow {
  row: number;
  pulses: number;
  intervalMs: number;
  depthUm: number;
  /** The fitted single-pulse depth at this row's energy and spot, µm. */
  singleUm: number;
  /** Name of the row's energy column, for messages. */
  energyColumn: string;
}

/** How far beyond the longest measured interval the table returns to e = 1 (a factor). */
export const REHIT_TAIL_FACTOR = 10;

/**
 * The re-hit table from stacked measurements (docs/rehit.md, "Calibrating a table"). The splat
 * gives a stack of n pulses Δt apart on fresh skin D = d1·(1 + (n − 1)·e(Δt)): the first pulse
 * ablates d1, each later one e(Δt)·d1. Per row y = D/d1 − 1 = (n − 1)·e, so the rows at one
 * interval give e by least squares through the origin, e = Σ(n − 1)·y / Σ(n − 1)². An e > 1 is
 * capped at 1 with a warning; an e ≤ 0 (the stack no deeper than one fitted pulse) is a
 * {@link PlanError} naming the row that pulls it lowest. The table interpolates in ln Δt and is
 * 1 from its last interval on, so when the longest measured interval still has e < 1 a row
 * [{@link REHIT_TAIL_FACTOR} × that interval, 1] is appended (with a warning) and the measured
 * intervals are reproduced exactly.
 */
export function fitReHitFromStacks(stacks: readonly StackRow[]): StackFit {
  const by = new Map<number, StackRow[]>();
  for (const s of stacks) {
    if (!(s.singleUm > 0))
      throw new PlanError(
        `row ${s.row}, column ${s.energyColumn}`,
        s.singleUm,
        "allowed: an energy at which the fitted single pulse ablates (single-pulse depth > 0 µm); a stack's efficiency is relative to it",
      );
    by.set(s.intervalMs, [...(by.get(s.intervalMs) ?? []), s]);
  }
  const warnings: string[] = [];
  const intervals: StackInterval[] = [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([intervalMs, g]) => {
      let sxy = 0;
      let sxx = 0;
      for (const s of g) {
        const x = s.pulses - 1;
        sxy += x * (s.depthUm / s.singleUm - 1);
        sxx += x * x;
      }
      const fitted = sxy / sxx;
      const rows = g.map((s) => s.row);
      if (!(fitted > 0)) {
        const worst = g.reduce((a, b) =>
          (b.depthUm / b.singleUm - 1) / (b.pulses - 1) < (a.depthUm / a.singleUm - 1) / (a.pulses - 1)
            ? b
            : a,
        );
        throw new PlanError(
          `row ${worst.row}, column depthUm`,
          worst.depthUm,
          `allowed: a stack deeper than one pulse (the fitted single pulse ablates ${+worst.singleUm.toPrecision(4)} µm here; ${worst.pulses} pulses ${intervalMs} ms apart give a re-hit efficiency ${+fitted.toPrecision(3)}, outside (0, 1])`,
        );
      }
      if (fitted > 1)
        warnings.push(
          `re-hit efficiency at ${intervalMs} ms fitted as ${+fitted.toPrecision(4)} (row${rows.length > 1 ? "s" : ""} ${rows.join(", ")}): capped at 1 (a re-hit never ablates more than a pulse on fresh skin in this model)`,
        );
      return { intervalMs, fitted, efficiency: +Math.min(1, fitted).toPrecision(4), rows };
    });
  const table = intervals.map((i): [number, number] => [i.intervalMs, i.efficiency]);
  const last = table[table.length - 1];
  if (last !== undefined && last[1] < 1) {
    const tail = +(REHIT_TAIL_FACTOR * last[0]).toPrecision(6);
    table.push([tail, 1]);
    warnings.push(
      `the longest measured interval (${last[0]} ms) still has efficiency ${last[1]} < 1: the table returns to 1 at ${tail} ms (${REHIT_TAIL_FACTOR}× it, assumed; measure a longer interval to pin it)`,
    );
  }
  return { table, intervals, warnings };
}
