/**
 * Re-hit efficiency tables from evidence (docs/rehit.md): patterns/lasers/data/rehit.csv holds,
 * per laser, depths per pulse measured at pulse intervals (1 / repetition rate). A laser's
 * table is e(Δt) = depth(Δt) / depth at its longest measured interval (the isolated pulse),
 * capped at 1, over its `fit` rows at one fluence.
 */
import { parse } from "csv-parse/sync";
import { PlanError } from "../errors.js";
import { EVIDENCE_LEVELS, USES } from "./csv.js";

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
    if (!(EVIDENCE_LEVELS as string[]).includes(r.evidence))
      throw new PlanError(
        `row ${row}, column evidence`,
        r.evidence,
        `allowed: one of ${EVIDENCE_LEVELS.join(" | ")}`,
      );
    if (!(USES as readonly string[]).includes(r.use))
      throw new PlanError(`row ${row}, column use`, r.use, `allowed: one of ${USES.join(" | ")}`);
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
