/**
 * Presets from their evidence (docs/calibration.md): each laser preset JSON is regenerated from
 * patterns/lasers/data/<laser>.csv by `npm run presets:fit`. The JSON's hand-written fields
 * (name, wavelength, kind, description, sources, notes) are kept; the fitted ones (calibration,
 * η, threshold, uncertainty, data range, fit summary) are replaced. Same inputs, same bytes.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { laserPreset, PATTERNS_DIR } from "../plan/presets.js";
import { laserSchema } from "../plan/schema.js";
import { parseWith } from "../plan/validate.js";
import { parseEvidence } from "./csv.js";
import { type FitModel, fitLaser, laserJson } from "./fit.js";
import { presetPlot } from "./plot.js";
import { fitReHit, parseReHit, reHitSources } from "./rehit.js";

/** Uncertainty of a preset with no measured row to fit, % (physics scaling or estimate). */
export const NO_DATA_UNCERTAINTY_PCT = 50;

/**
 * The regenerated preset file text for a preset's current JSON and its evidence CSV, and the
 * re-hit evidence (patterns/lasers/data/rehit.csv) when given: a laser with two or more fitted
 * intervals there gets a `reHit` table (docs/rehit.md), any other loses it.
 */
export function fitPresetText(presetJson: string, evidenceCsv: string, reHitCsv?: string): string {
  const raw0 = JSON.parse(presetJson) as Record<string, unknown>;
  const raw = reHitCsv === undefined ? raw0 : withReHit(raw0, parseReHit(reHitCsv));
  const { measurements } = parseEvidence(evidenceCsv);
  const rows = measurements.filter((m) => m.use === "fit" && m.depthUm !== undefined);
  const sources = { ...((raw.sources as Record<string, string> | undefined) ?? {}) };
  if (rows.length === 0) {
    const out: Record<string, unknown> = {
      ...raw,
      uncertaintyPct: raw.uncertaintyPct ?? NO_DATA_UNCERTAINTY_PCT,
    };
    delete out.fit;
    sources.uncertaintyPct ??=
      "estimate: no measured depth to fit in the evidence file, so the stated uncertainty is the one for a physics scaling (docs/calibration.md)";
    return laserJson({ ...out, sources });
  }
  const base = parseWith(laserSchema, raw, "laser preset");
  const model = base.model as FitModel;
  const { laser } = fitLaser(base, rows, model, { keepThresholdIfSingle: true });
  const f = laser.fit;
  const names = [...new Set(rows.map((m) => m.source))].join("; ");
  sources.uncertaintyPct = `derived: √(RMS log error ${f?.rmsLogError}² + evidence floor²) over ${f?.rows} fitted rows from ${f?.sources} source(s), best evidence ${f?.evidence} (docs/calibration.md)`;
  if (laser.calibration?.spots) {
    delete sources["calibration.spotUm"];
    delete sources["calibration.points"];
    sources["calibration.spots"] =
      `derived: per spot size a weighted power law through the measured rows of ${names} (patterns/lasers/data/${base.name}.csv), evaluated at the measured energies; coagTotal likewise where total coagulated depths were measured`;
    if (laser.calibration.spots.some((s) => s.coagTotal)) {
      delete (laser as { coagulationUm?: number }).coagulationUm;
      delete sources.coagulationUm;
    }
  }
  if (model === "steady-state")
    sources.etaUmPerJcm2 = `derived: fitted to ${names} (patterns/lasers/data/${base.name}.csv) with the threshold held at ${laser.thresholdJcm2} J/cm² when the data hold one fluence`;
  sources.dataRange = `derived: the energies, fluences, spot sizes and stacks of the fitted rows (${names})`;
  // Keep the hand-written fields in the preset's own order.
  return laserJson({ ...laser, description: raw.description, sources, notes: raw.notes });
}

/** `raw` with its `reHit` table and its source fitted from `rows` (or both removed). */
function withReHit(
  raw: Record<string, unknown>,
  rows: ReturnType<typeof parseReHit>,
): Record<string, unknown> {
  const name = String(raw.name);
  const table = fitReHit(rows, name);
  const out = { ...raw };
  const sources = { ...((raw.sources as Record<string, string> | undefined) ?? {}) };
  delete out.reHit;
  delete sources.reHit;
  if (table) {
    out.reHit = table;
    sources.reHit = `derived: depth per pulse at each interval over depth at the longest (${reHitSources(rows, name)}; patterns/lasers/data/rehit.csv); interpolated in ln Δt, the first efficiency held below the shortest interval, 1 beyond the longest (docs/rehit.md)`;
  }
  if (raw.sources !== undefined) out.sources = sources;
  return out;
}

/** Regenerated text of preset `name` from the files under `lasersDir`. */
export function regeneratePreset(lasersDir: string, name: string): string {
  const reHitPath = join(lasersDir, "data", "rehit.csv");
  return fitPresetText(
    readFileSync(join(lasersDir, `${name}.json`), "utf8"),
    readFileSync(join(lasersDir, "data", `${name}.csv`), "utf8"),
    existsSync(reHitPath) ? readFileSync(reHitPath, "utf8") : undefined,
  );
}

/** The `presets --plot` chart of preset `name` with the rows of its evidence file. */
export function plotPreset(name: string): Buffer {
  const laser = laserPreset(name);
  const csvPath = join(PATTERNS_DIR, "lasers", "data", `${name}.csv`);
  // A row without a spot size is drawn at a single-table calibration's spot (its table's own).
  const single = laser.calibration?.spotUm;
  const rows = (existsSync(csvPath) ? parseEvidence(readFileSync(csvPath, "utf8")).measurements : [])
    .map((m) =>
      m.spotUm === undefined && single !== undefined
        ? { ...m, spotUm: single, profile: "gaussian" as const }
        : m,
    )
    .filter((m) => m.use !== "excluded" && (m.spotUm !== undefined || laser.calibration === undefined));
  return presetPlot(laser, rows);
}
