/**
 * The simulation report (docs/formats.md): key names are the contract. Also the short human table the
 * CLI prints.
 */
import { isRegionName, REGIONS } from "../plan/regions.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { DoseModel } from "./ablation.js";
import { discAreaCm2 } from "./beam.js";
import type { DoseStats } from "./stats.js";

const MM2_PER_CM2 = 100;
/** Depth from which a pixel counts as ablated, µm (`ablatedFraction`). */
export const ABLATED_MIN_UM = 1;

/**
 * Heat of a scan: the heat index (unitless) and, when computed, the bulk temperature rise each
 * spot meets when it fires, K (max / p95 / mean; docs/bulk-heating.md).
 */
export interface HeatSummary {
  max: number;
  p95: number;
  mean: number;
  maxC?: number;
  p95C?: number;
  meanC?: number;
}

/** Scan-level figures (from the sequence, or a scan file); null when not computed. */
export interface ScanSummary {
  /** Firing order and first-pulse times (ms, in firing order): what re-hit efficiency needs. */
  firing?: { order: ArrayLike<number>; tMs: ArrayLike<number> };
  heat: HeatSummary;
  pathLengthMm: number;
  treatmentMs: number;
  stamps: number;
  warnings: readonly string[];
}

/** The simulation report (its keys and units: docs/formats.md). */
export interface Report {
  spots: number;
  areaMm2: number;
  densityPerCm2: number;
  coverage: number;
  depth: {
    meanUm: number;
    maxUm: number;
    p95Um: number;
    /** Lasers with a re-hit table: mean depth lost to pulses on recently ablated skin, µm (docs/rehit.md). */
    reHitLossUm?: number;
    rangeUm: DepthRange;
  };
  ablatedFraction: number;
  contours: { depthUm: number; fraction: number }[];
  coagulation: { meanUm: number; maxUm: number; rangeUm: DepthRange };
  /** The laser's relative uncertainty, % (docs/calibration.md). */
  uncertaintyPct: number;
  heat: HeatSummary | null;
  pathLengthMm: number | null;
  treatmentMs: number | null;
  stamps: number | null;
  /** The plan's skin region and the layer each depth reaches (only when the plan names one). */
  region?: RegionReport;
  /** Aiming-beam time, ms, part of treatmentMs (plans with `scanner.aim`; docs/passes.md). */
  aimMs?: number;
  /** Each pass's own contribution (plans with more than one pass; docs/passes.md). */
  passes?: PassReport[];
  warnings: string[];
}

/** One pass of a multi-pass report: its spots, its own time and its depth alone. */
export interface PassReport {
  spots: number;
  treatmentMs: number | null;
  depth: { meanUm: number; maxUm: number };
}

/** Model range of a mean and a peak depth: [lo, hi] each, µm (± the laser's uncertainty). */
export interface DepthRange {
  mean: [number, number];
  max: [number, number];
}

/** `[v·(1 − u), v·(1 + u)]` for u = pct/100, rounded to 0.01 µm. */
export function rangeOf(v: number, pct: number): [number, number] {
  const u = pct / 100;
  const r = (x: number) => Math.round(Math.max(0, x) * 100) / 100;
  return [r(v * (1 - u)), r(v * (1 + u))];
}

function withRange<T extends { meanUm: number; maxUm: number }>(
  d: T,
  pct: number,
): T & { rangeUm: DepthRange } {
  return { ...d, rangeUm: { mean: rangeOf(d.meanUm, pct), max: rangeOf(d.maxUm, pct) } };
}

/** Skin layers a depth can reach, from the surface down. */
export type SkinLayer = "none" | "epidermis" | "dermis" | "subcutis";

/** Which layer the mean and peak depths reach in the plan's region (histology, src/plan/regions.ts). */
export interface RegionReport {
  name: string;
  epidermisUm: number;
  dermisUm: number;
  meanLayer: SkinLayer;
  peakLayer: SkinLayer;
  coagulationPeakLayer: SkinLayer;
}

/** The layer at `depthUm` below the surface. */
export function layerAt(depthUm: number, epidermisUm: number, dermisUm: number): SkinLayer {
  if (depthUm <= 0) return "none";
  if (depthUm <= epidermisUm) return "epidermis";
  return depthUm <= epidermisUm + dermisUm ? "dermis" : "subcutis";
}

/** What {@link buildReport} needs. */
export interface ReportInput {
  plan: ResolvedPlan;
  model: DoseModel;
  spots: number;
  areaMm2: number;
  /** Stats of the splatted map: depth (ablative) or coagulation (non-ablative). */
  stats: DoseStats;
  /** Contour levels, µm (their fractions are stats.levelFractions[1 ..]). */
  contours: readonly number[];
  scan?: ScanSummary;
  /** Mean depth lost to re-hits, µm (lasers with a re-hit table only). */
  reHitLossUm?: number;
}

/**
 * Assemble the report. Ablative: coagulation = depth + the residual layer where depth > 0, so
 * its mean is (Σdepth + c·ablated pixels)/pixels. Non-ablative: depth is zero and the contours
 * are iso-lines of the coagulation map.
 */
export function buildReport(r: ReportInput): Report {
  const { stats, model } = r;
  const c = model.coagulationUm;
  const ablative = model.kind === "ablative";
  const pct = model.uncertaintyPct;
  const depth = withRange(
    ablative
      ? {
          meanUm: stats.meanUm,
          maxUm: stats.maxUm,
          p95Um: stats.p95Um,
          ...(r.reHitLossUm !== undefined ? { reHitLossUm: r.reHitLossUm } : {}),
        }
      : { meanUm: 0, maxUm: 0, p95Um: 0 },
    pct,
  );
  const coagulation = withRange(
    ablative
      ? {
          meanUm: stats.insidePixels > 0 ? (stats.sumUm + c * stats.nonzeroPixels) / stats.insidePixels : 0,
          maxUm: stats.nonzeroPixels > 0 ? stats.maxUm + c : 0,
        }
      : { meanUm: stats.meanUm, maxUm: stats.maxUm },
    pct,
  );
  const warnings = [...model.warnings, ...(r.scan?.warnings ?? [])];
  const region = r.plan.region;
  let regionReport: RegionReport | undefined;
  if (region !== undefined && isRegionName(region)) {
    const skin = REGIONS[region];
    const limitUm = skin.epidermisUm + skin.dermisUm;
    regionReport = {
      name: region,
      epidermisUm: skin.epidermisUm,
      dermisUm: skin.dermisUm,
      meanLayer: layerAt(depth.meanUm, skin.epidermisUm, skin.dermisUm),
      peakLayer: layerAt(depth.maxUm, skin.epidermisUm, skin.dermisUm),
      coagulationPeakLayer: layerAt(coagulation.maxUm, skin.epidermisUm, skin.dermisUm),
    };
    if (depth.maxUm > limitUm)
      warnings.push(
        `peak depth ${depth.maxUm.toFixed(1)} µm is beyond the ${region} dermis (epidermis + dermis ${limitUm.toFixed(0)} µm)`,
      );
    else if (coagulation.maxUm > limitUm)
      warnings.push(
        `coagulation reaches ${coagulation.maxUm.toFixed(1)} µm, beyond the ${region} dermis (epidermis + dermis ${limitUm.toFixed(0)} µm)`,
      );
  }
  const spotCm2 = discAreaCm2(model.beam.radiusUm);
  const areaCm2 = r.areaMm2 / MM2_PER_CM2;
  return {
    spots: r.spots,
    areaMm2: r.areaMm2,
    densityPerCm2: areaCm2 > 0 ? r.spots / areaCm2 : 0,
    coverage: areaCm2 > 0 ? (r.spots * spotCm2) / areaCm2 : 0,
    depth,
    ablatedFraction: ablative ? stats.levelFractions[0] : 0,
    contours: r.contours.map((depthUm, i) => ({ depthUm, fraction: stats.levelFractions[i + 1] })),
    coagulation,
    uncertaintyPct: pct,
    heat: r.scan?.heat ?? null,
    pathLengthMm: r.scan?.pathLengthMm ?? null,
    treatmentMs: r.scan?.treatmentMs ?? null,
    stamps: r.scan?.stamps ?? null,
    ...(regionReport ? { region: regionReport } : {}),
    warnings,
  };
}

function num(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined) return "–";
  return v.toFixed(digits);
}

/** The short human table of a report. */
export function formatReport(rep: Report, title = ""): string {
  const rows: [string, string][] = [
    ["spots", String(rep.spots)],
    ["area", `${num(rep.areaMm2, 2)} mm²`],
    ["density", `${num(rep.densityPerCm2, 1)} /cm²`],
    ["coverage", `${num(rep.coverage * 100, 2)} %`],
    [
      "depth mean / p95 / max",
      `${num(rep.depth.meanUm, 2)} / ${num(rep.depth.p95Um, 1)} / ${num(rep.depth.maxUm, 1)} µm`,
    ],
    ...(rep.depth.reHitLossUm !== undefined
      ? [["depth lost to re-hits (mean)", `${num(rep.depth.reHitLossUm, 2)} µm`] as [string, string]]
      : []),
    ...(rep.depth.maxUm > 0
      ? [
          [
            `depth range (model ±${rep.uncertaintyPct} %)`,
            `mean ${num(rep.depth.rangeUm.mean[0], 1)}–${num(rep.depth.rangeUm.mean[1], 1)} / max ${num(rep.depth.rangeUm.max[0], 1)}–${num(rep.depth.rangeUm.max[1], 1)} µm`,
          ] as [string, string],
        ]
      : []),
    ["ablated (≥ 1 µm)", `${num(rep.ablatedFraction * 100, 2)} % of area`],
    ...rep.contours.map((c): [string, string] => [
      `≥ ${c.depthUm} µm`,
      `${num(c.fraction * 100, 2)} % of area`,
    ]),
    ["coagulation mean / max", `${num(rep.coagulation.meanUm, 2)} / ${num(rep.coagulation.maxUm, 1)} µm`],
    [
      `coagulation range (±${rep.uncertaintyPct} %)`,
      `mean ${num(rep.coagulation.rangeUm.mean[0], 1)}–${num(rep.coagulation.rangeUm.mean[1], 1)} / max ${num(rep.coagulation.rangeUm.max[0], 1)}–${num(rep.coagulation.rangeUm.max[1], 1)} µm`,
    ],
    [
      "heat index max / p95 / mean",
      rep.heat ? `${num(rep.heat.max, 3)} / ${num(rep.heat.p95, 3)} / ${num(rep.heat.mean, 3)}` : "–",
    ],
    ...(rep.heat?.maxC !== undefined
      ? [
          [
            "bulk rise max / p95 / mean",
            `${num(rep.heat.maxC, 2)} / ${num(rep.heat.p95C, 2)} / ${num(rep.heat.meanC, 2)} K`,
          ] as [string, string],
        ]
      : []),
    ["path length", rep.pathLengthMm === null ? "–" : `${num(rep.pathLengthMm, 1)} mm`],
    ["treatment time", rep.treatmentMs === null ? "–" : `${num(rep.treatmentMs / 1000, 2)} s`],
    ["stamps", rep.stamps === null ? "–" : String(rep.stamps)],
  ];
  if (rep.region) {
    const g = rep.region;
    rows.push([
      "skin region",
      `${g.name} (epidermis ${num(g.epidermisUm, 0)} µm, dermis ${num(g.dermisUm, 0)} µm): mean depth in ` +
        `${g.meanLayer}, peak in ${g.peakLayer}, coagulation to ${g.coagulationPeakLayer}`,
    ]);
  }
  if (rep.aimMs !== undefined)
    rows.push(["aiming beam", `${num(rep.aimMs / 1000, 2)} s (in the treatment time)`]);
  for (const [k, p] of (rep.passes ?? []).entries())
    rows.push([
      `pass ${k}`,
      `${p.spots} spots, ${p.treatmentMs === null ? "–" : `${num(p.treatmentMs / 1000, 2)} s`}, depth mean / max ${num(p.depth.meanUm, 2)} / ${num(p.depth.maxUm, 1)} µm`,
    ]);
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`);
  if (title) lines.unshift(title);
  for (const warning of rep.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}
