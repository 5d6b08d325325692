/**
 * Measurement tables for calibration (docs/calibration.md): the `laserscan calibrate` CSV and the
 * evidence CSVs of the presets (patterns/lasers/data/<laser>.csv), read with csv-parse. Every bad
 * cell is a {@link PlanError} naming its row (1 = the first data row) and column.
 */
import { parse } from "csv-parse/sync";
import { PlanError } from "../errors.js";

/** Evidence levels, best first, and the weight a fit gives each (docs/calibration.md). */
export const EVIDENCE_WEIGHT = {
  "in-vivo-human": 1,
  "ex-vivo-human": 0.7,
  animal: 0.4,
  simulation: 0.2,
  claim: 0,
} as const;
export type Evidence = keyof typeof EVIDENCE_WEIGHT;
export const EVIDENCE_LEVELS = Object.keys(EVIDENCE_WEIGHT) as Evidence[];

/** What a row is used for in a preset fit. */
export const USES = ["fit", "check", "bound", "excluded"] as const;
export type Use = (typeof USES)[number];

/** One measurement, as the fitters see it. */
export interface Measurement {
  /** 1-based data row (the header is row 0). */
  row: number;
  spotUm?: number;
  energyMj?: number;
  fluenceJcm2?: number;
  pulses: number;
  profile: "gaussian" | "tophat";
  /** Deepest point of the crater (or column) after all pulses, µm. */
  depthUm?: number;
  /** Total coagulated depth, µm. */
  coagUm?: number;
  widthUm?: number;
  evidence: Evidence;
  source: string;
  use: Use;
  pulseMode?: string;
  /**
   * Stacked measurement (`laserscan calibrate`'s optional column): the `pulses` (≥ 2) fired this
   * many ms apart on the same spot. Such rows fit the laser's re-hit table, not its single pulse.
   */
  intervalMs?: number;
}

function records(text: string): string[][] {
  try {
    return parse(text, { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new PlanError(
      line !== undefined ? `row ${Math.max(0, line - 1)}` : "csv",
      (err as Error).message.split("\n")[0],
      "allowed: comma-separated values with one header line and the same number of cells in each row",
    );
  }
}

function numberCell(row: number, column: string, cell: string, positive: boolean): number | undefined {
  if (cell === "") return undefined;
  const v = Number(cell);
  if (!Number.isFinite(v) || (positive ? v <= 0 : v < 0))
    throw new PlanError(
      `row ${row}, column ${column}`,
      cell,
      `allowed: a number ${positive ? "> 0" : "≥ 0"}`,
    );
  return v;
}

/** Columns of the `laserscan calibrate` CSV. */
export const CALIBRATE_COLUMNS = [
  "spotUm",
  "energyMj",
  "fluenceJcm2",
  "pulses",
  "depthUm",
  "coagUm",
  "profile",
  "intervalMs",
  "source",
] as const;

/**
 * Parse a `laserscan calibrate` CSV: `spotUm`, `energyMj` or `fluenceJcm2`, optional `pulses`
 * (default 1), `depthUm`, optional `coagUm`, optional `profile` (default gaussian), optional
 * `intervalMs` (a stack: `pulses` ≥ 2 fired that many ms apart, for the re-hit table; empty: a
 * row of the single-pulse fit as before) and optional `source` (text, default "measurements").
 */
export function parseMeasurements(text: string): Measurement[] {
  const recs = records(text);
  if (recs.length < 2)
    throw new PlanError("csv", `${recs.length} line(s)`, "allowed: a header line and at least one data row");
  const header = recs[0];
  for (const h of header)
    if (!(CALIBRATE_COLUMNS as readonly string[]).includes(h))
      throw new PlanError(
        `row 0, column ${h}`,
        h,
        `unknown column; allowed: ${CALIBRATE_COLUMNS.join(", ")}`,
      );
  const col = (name: string) => header.indexOf(name);
  if (col("energyMj") >= 0 && col("fluenceJcm2") >= 0)
    throw new PlanError(
      "row 0, column fluenceJcm2",
      "energyMj and fluenceJcm2",
      "allowed: one of the two columns",
    );
  if (col("energyMj") < 0 && col("fluenceJcm2") < 0)
    throw new PlanError("row 0, column energyMj", undefined, "required: an energyMj or a fluenceJcm2 column");
  for (const need of ["spotUm", "depthUm"])
    if (col(need) < 0) throw new PlanError(`row 0, column ${need}`, undefined, "required column");
  return recs.slice(1).map((cells, i) => {
    const row = i + 1;
    const cell = (name: string) => (col(name) >= 0 ? cells[col(name)] : "");
    const req = (name: string) => {
      const v = numberCell(row, name, cell(name), true);
      if (v === undefined)
        throw new PlanError(`row ${row}, column ${name}`, undefined, "required: a number > 0");
      return v;
    };
    const pulses = numberCell(row, "pulses", cell("pulses"), true) ?? 1;
    if (!Number.isInteger(pulses))
      throw new PlanError(`row ${row}, column pulses`, cell("pulses"), "allowed: a whole number ≥ 1");
    const intervalMs = numberCell(row, "intervalMs", cell("intervalMs"), true);
    if (intervalMs !== undefined && pulses < 2)
      throw new PlanError(
        `row ${row}, column pulses`,
        cell("pulses") === "" ? 1 : cell("pulses"),
        "allowed: a whole number ≥ 2 on a row with an intervalMs (a stack of pulses that many ms apart)",
      );
    const profile = cell("profile") || "gaussian";
    if (profile !== "gaussian" && profile !== "tophat")
      throw new PlanError(`row ${row}, column profile`, profile, "allowed: one of gaussian | tophat");
    return {
      row,
      spotUm: req("spotUm"),
      energyMj: col("energyMj") >= 0 ? req("energyMj") : undefined,
      fluenceJcm2: col("fluenceJcm2") >= 0 ? req("fluenceJcm2") : undefined,
      pulses,
      profile,
      depthUm: req("depthUm"),
      coagUm: numberCell(row, "coagUm", cell("coagUm"), true),
      evidence: "in-vivo-human",
      source: cell("source") || "measurements",
      use: "fit",
      ...(intervalMs !== undefined ? { intervalMs } : {}),
    };
  });
}

/** A data row's `evidence` and `use` cells must be among the known values (exit 2 naming the row and column). */
export function checkEvidenceAndUse(row: number, evidence: string, use: string): void {
  if (!(EVIDENCE_LEVELS as string[]).includes(evidence))
    throw new PlanError(
      `row ${row}, column evidence`,
      evidence,
      `allowed: one of ${EVIDENCE_LEVELS.join(" | ")}`,
    );
  if (!(USES as readonly string[]).includes(use))
    throw new PlanError(`row ${row}, column use`, use, `allowed: one of ${USES.join(" | ")}`);
}

/** Columns of a preset's evidence CSV (patterns/lasers/data/<laser>.csv). */
export const EVIDENCE_COLUMNS = [
  "source",
  "doi_or_url",
  "evidence",
  "tissue_site",
  "spotUm",
  "energyMj",
  "fluenceJcm2",
  "pulses",
  "pulse_mode",
  "ablationUm",
  "coagTotalUm",
  "widthUm",
  "use",
  "notes",
] as const;

/** One row of an evidence CSV, all cells as written. */
export type EvidenceRow = Record<(typeof EVIDENCE_COLUMNS)[number], string>;

/** Parse an evidence CSV: rows as written plus the measurement each describes. */
export function parseEvidence(text: string): { rows: EvidenceRow[]; measurements: Measurement[] } {
  const recs = records(text);
  const header = recs[0] ?? [];
  if (header.join(",") !== EVIDENCE_COLUMNS.join(","))
    throw new PlanError("row 0", header.join(","), `allowed: the header ${EVIDENCE_COLUMNS.join(",")}`);
  const rows = recs
    .slice(1)
    .map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])) as EvidenceRow);
  const measurements = rows.map((r, i): Measurement => {
    const row = i + 1;
    checkEvidenceAndUse(row, r.evidence, r.use);
    return {
      row,
      spotUm: numberCell(row, "spotUm", r.spotUm, true),
      energyMj: numberCell(row, "energyMj", r.energyMj, true),
      fluenceJcm2: numberCell(row, "fluenceJcm2", r.fluenceJcm2, true),
      pulses: numberCell(row, "pulses", r.pulses, true) ?? 1,
      // Full-field rows without a spot size are flat beams; microbeam rows are Gaussian.
      profile: r.spotUm === "" ? "tophat" : "gaussian",
      depthUm: numberCell(row, "ablationUm", r.ablationUm, true),
      coagUm: numberCell(row, "coagTotalUm", r.coagTotalUm, true),
      widthUm: numberCell(row, "widthUm", r.widthUm, true),
      evidence: r.evidence as Evidence,
      source: r.source.split(/[,(]/)[0].trim(),
      use: r.use as Use,
      pulseMode: r.pulse_mode,
    };
  });
  return { rows, measurements };
}
