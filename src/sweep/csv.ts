/**
 * Sweep CSV: one row per variant; columns are the varied plan keys under their
 * dotted names, then the report values under dotted names. A shard's CSV starts with
 * `variant` (0-based index in the whole cross product) and `variants` (its size), so
 * {@link mergeSweepCsv} can put shards back in order and prove none is missing or doubled.
 * Numbers are printed deterministically: integers exactly, others to 6 significant digits.
 */
import { PlanError } from "../errors.js";

/** A CSV cell before formatting: null is an empty cell. */
export type Cell = number | string | null;

/** The leading columns of a shard's CSV. */
export const SHARD_COLUMNS = ["variant", "variants"] as const;

/** Significant digits of non-integer numbers in the CSV. */
export const CSV_SIGNIFICANT_DIGITS = 6;

/** Format a number deterministically: integers exactly, others to 6 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v === 0 ? 0 : v);
  const r = Number(v.toPrecision(CSV_SIGNIFICANT_DIGITS));
  return String(r === 0 ? 0 : r);
}

/** Quote a CSV field when it holds a comma, quote, CR or LF (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Format one cell. */
export function formatCell(c: Cell): string {
  if (c === null) return "";
  return typeof c === "number" ? formatNumber(c) : csvField(c);
}

/** One CSV line (no newline) from cells. */
export function csvLine(cells: readonly Cell[]): string {
  return cells.map(formatCell).join(",");
}

/** Parse CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines) into records. */
export function parseCsv(text: string, field = "csv"): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = "";
  let i = 0;
  let quoted = false;
  let any = false;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cur += ch;
      i++;
      continue;
    }
    if (ch === '"' && cur === "") {
      quoted = true;
      any = true;
      i++;
    } else if (ch === ",") {
      row.push(cur);
      cur = "";
      any = true;
      i++;
    } else if (ch === "\n" || ch === "\r") {
      row.push(cur);
      rows.push(row);
      row = [];
      cur = "";
      any = false;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      cur += ch;
      any = true;
      i++;
    }
  }
  if (quoted) throw new PlanError(field, "(file)", "not valid CSV: a quoted field is not closed");
  if (any || cur !== "") {
    row.push(cur);
    rows.push(row);
  }
  return rows;
}

/** Read a cell back: numbers as numbers, empty as null, anything else as text. */
export function parseCell(text: string): Cell {
  if (text === "") return null;
  const v = Number(text);
  return text.trim() !== "" && Number.isFinite(v) ? v : text;
}

/** A table of records keyed by column name, in column order. */
export interface CsvTable {
  columns: string[];
  rows: Cell[][];
}

/**
 * The sweep CSV text: header and one line per row. With `shard`, the `variant` and `variants`
 * columns come first (`variants[i]` is row i's index in the whole sweep, `total` its size).
 */
export function sweepCsv(table: CsvTable, shard?: { variants: readonly number[]; total: number }): string {
  const lines: string[] = [];
  lines.push(csvLine(shard ? [...SHARD_COLUMNS, ...table.columns] : table.columns));
  table.rows.forEach((cells, i) => {
    lines.push(csvLine(shard ? [shard.variants[i], shard.total, ...cells] : cells));
  });
  return `${lines.join("\n")}\n`;
}

/** A merged sweep: the CSV text (as the unsharded sweep writes it) and its table. */
export interface MergedSweep {
  csv: string;
  table: CsvTable;
  total: number;
}

/**
 * Join shard CSVs (`files`: name → text) back into the unsharded CSV, in variant order.
 * Throws a PlanError when a file is not a shard CSV, headers differ, or a variant is missing
 * or given twice.
 */
export function mergeSweepCsv(files: readonly { name: string; text: string }[]): MergedSweep {
  if (files.length === 0) throw new PlanError("--merge", "(none)", "allowed: one or more shard CSV files");
  let header: string[] | undefined;
  let headerFrom = "";
  let total = -1;
  const byVariant = new Map<number, { cells: string[]; from: string }>();
  for (const f of files) {
    const records = parseCsv(f.text, f.name);
    if (records.length === 0) throw new PlanError(f.name, "(empty file)", "allowed: a sweep --shard CSV");
    const head = records[0];
    if (head[0] !== SHARD_COLUMNS[0] || head[1] !== SHARD_COLUMNS[1])
      throw new PlanError(
        f.name,
        head.slice(0, 2).join(","),
        `allowed: a sweep --shard CSV, whose header starts with ${SHARD_COLUMNS.join(",")}`,
      );
    if (header === undefined) {
      header = head;
      headerFrom = f.name;
    } else if (head.join(",") !== header.join(","))
      throw new PlanError(
        f.name,
        head.slice(2).join(","),
        `its header differs from ${headerFrom}'s (${header.slice(2).join(",")}); allowed: shards of the same sweep`,
      );
    for (let r = 1; r < records.length; r++) {
      const rec = records[r];
      if (rec.length === 1 && rec[0] === "") continue;
      if (rec.length !== head.length)
        throw new PlanError(
          `${f.name} line ${r + 1}`,
          `${rec.length} fields`,
          `allowed: ${head.length} fields as in the header`,
        );
      const v = Number(rec[0]);
      const t = Number(rec[1]);
      if (!Number.isInteger(v) || !Number.isInteger(t) || v < 0 || v >= t)
        throw new PlanError(
          `${f.name} line ${r + 1}`,
          `variant ${rec[0]} of ${rec[1]}`,
          "allowed: a 0-based variant index below the number of variants",
        );
      if (total < 0) total = t;
      else if (t !== total)
        throw new PlanError(
          `${f.name} line ${r + 1}`,
          `${t} variants`,
          `the other shards have ${total}; allowed: shards of the same sweep`,
        );
      const prev = byVariant.get(v);
      if (prev)
        throw new PlanError(
          "--merge",
          `variant ${v}`,
          `it is in both ${prev.from} and ${f.name}; allowed: each variant in exactly one shard`,
        );
      byVariant.set(v, { cells: rec.slice(2), from: f.name });
    }
  }
  const columns = (header as string[]).slice(2);
  if (total < 0) total = 0;
  const missing: number[] = [];
  for (let v = 0; v < total; v++) if (!byVariant.has(v)) missing.push(v);
  if (missing.length > 0)
    throw new PlanError(
      "--merge",
      `${missing.length} of ${total} variants missing (${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""})`,
      "allowed: every shard of the sweep (each variant exactly once)",
    );
  const lines = [columns.map(csvField).join(",")];
  const rows: Cell[][] = [];
  for (let v = 0; v < total; v++) {
    const cells = (byVariant.get(v) as { cells: string[] }).cells;
    lines.push(cells.map(csvField).join(","));
    rows.push(cells.map(parseCell));
  }
  return { csv: `${lines.join("\n")}\n`, table: { columns, rows }, total };
}
