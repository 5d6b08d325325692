/** A sweep's rows as tables: the CSV columns, the JSON rows and the human table on stdout. */

import type { Report } from "../dose/report.js";
import { oneOf, PlanError } from "../errors.js";
import type { Cell, CsvTable } from "./csv.js";
import type { SweepRow } from "./run.js";

/** Report values in the CSV, under dotted names, in column order. */
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
  "pathLengthMm",
  "treatmentMs",
  "stamps",
  "warnings",
] as const;

/**
 * Bulk-rise report values, K (docs/bulk-heating.md): in the CSV and JSON after `heat.mean` only
 * when the sweep computed them (`--bulk-rise`, or a `heat.*C` metric).
 */
export const BULK_RISE_COLUMNS = ["heat.maxC", "heat.p95C", "heat.meanC"] as const;

/** The report columns of a sweep: {@link REPORT_COLUMNS}, with the bulk-rise ones when computed. */
export function reportColumns(bulkRise: boolean): readonly string[] {
  if (!bulkRise) return REPORT_COLUMNS;
  const at = REPORT_COLUMNS.indexOf("heat.mean") + 1;
  return [...REPORT_COLUMNS.slice(0, at), ...BULK_RISE_COLUMNS, ...REPORT_COLUMNS.slice(at)];
}

/** Does a metric need the bulk rise computed? */
export function isBulkRiseMetric(metric: string): boolean {
  return (BULK_RISE_COLUMNS as readonly string[]).includes(metric);
}

/** Did these rows' reports compute the bulk rise? */
function rowsHaveBulkRise(rows: readonly SweepRow[]): boolean {
  return rows.some((r) => r.report.heat?.maxC !== undefined);
}

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
export const METRICS: readonly string[] = [
  ...reportColumns(true).filter((c) => c !== "warnings"),
  // Lasers with a re-hit table only (docs/rehit.md); kept out of the CSV columns.
  "depth.reHitLossUm",
];

/** Default chart metric. */
export const DEFAULT_METRIC = "depth.meanUm";

/** A report value by its dotted column name (warnings joined by " | "). */
export function reportCell(report: Report, column: string): Cell {
  if (column === "warnings") return report.warnings.join(" | ");
  let o: unknown = report;
  for (const k of column.split(".")) o = (o as Record<string, unknown> | null | undefined)?.[k];
  return typeof o === "number" ? o : o === null || o === undefined ? null : String(o);
}

/** Rows as a table: the varied keys, then {@link REPORT_COLUMNS} (and the bulk rise when computed). */
export function sweepTable(keys: readonly string[], rows: readonly SweepRow[]): CsvTable {
  // A laser with a re-hit table adds its lost depth as the last column (docs/rehit.md).
  const extra = rows.some((r) => r.report.depth.reHitLossUm !== undefined) ? ["depth.reHitLossUm"] : [];
  const cols = [...reportColumns(rowsHaveBulkRise(rows)), ...extra];
  return {
    columns: [...keys, ...cols],
    rows: rows.map((r) => [...r.values, ...cols.map((c) => reportCell(r.report, c))]),
  };
}

/** Rows as JSON objects keyed by column (warnings as a list), with their variant index. */
export function sweepJson(keys: readonly string[], rows: readonly SweepRow[]): Record<string, unknown>[] {
  const cols = reportColumns(rowsHaveBulkRise(rows));
  return rows.map((r) => {
    const o: Record<string, unknown> = { variant: r.variant };
    keys.forEach((k, i) => {
      o[k] = r.values[i];
    });
    for (const c of cols) o[c] = c === "warnings" ? [...r.report.warnings] : reportCell(r.report, c);
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
