/**
 * Assemble a view page (Node side of `laserscan view`): the maps reduced to fit, the spots in
 * firing order, the plan's settings and the report, packed into {@link ViewData} and written
 * with the bundled page script into one self-contained HTML file.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync, inflateSync } from "node:zlib";
import type { Area } from "../area/types.js";
import type { Raster } from "../dose/raster.js";
import { formatReport, type Report } from "../dose/report.js";
import { bulkRiseStats, parseMaxBulkRise } from "../heat/bulk-rise.js";
import { roundTo } from "../io/scanfile.js";
import { derive } from "../plan/derived.js";
import { isRegionName, REGIONS } from "../plan/regions.js";
import type { ResolvedPlan } from "../plan/schema.js";
import { COLORMAPS, colormapLut, DEFAULT_COLORMAP } from "../render/colormap.js";
import { planTitle } from "../render/title.js";
import { type Packed, VIEW_DATA_ID, VIEW_DATA_VERSION, type ViewData, type ViewMap } from "./data.js";
import { formatValue } from "./profile.js";

/** Maps with more pixels than this are embedded reduced (2048 × 2048: 16 MB as float32 before compression). */
export const MAX_EMBED_PIXELS = 2048 * 2048;
/** Colormap of the spots' firing time (as the scan preview). */
export const TIME_COLORMAP = "turbo";

/** Bytes of one element of each packed type. */
const ELEMENT_BYTES = { f32: 4, f64: 8, u32: 4, u16: 2 } as const;

/** Byte shuffle: element k's byte b goes to b·n + k (undone by {@link unshuffle}). */
export function shuffle(bytes: Uint8Array, size: number): Uint8Array {
  const n = bytes.length / size;
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < size; b++) for (let k = 0, o = b * n; k < n; k++) out[o + k] = bytes[k * size + b];
  return out;
}

/** Inverse of {@link shuffle}. */
export function unshuffle(bytes: Uint8Array, size: number): Uint8Array {
  const n = bytes.length / size;
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < size; b++) for (let k = 0, o = b * n; k < n; k++) out[k * size + b] = bytes[o + k];
  return out;
}

/** Pack a typed array as base64 of its deflated, byte-shuffled little-endian bytes (level 6: the same bytes every run). */
export function pack(
  a: Float32Array | Float64Array | Uint32Array | Uint16Array,
  umPerCount?: number,
): Packed {
  const type =
    a instanceof Float32Array
      ? "f32"
      : a instanceof Float64Array
        ? "f64"
        : a instanceof Uint32Array
          ? "u32"
          : "u16";
  const bytes = shuffle(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ELEMENT_BYTES[type]);
  return {
    type,
    length: a.length,
    b64: deflateSync(bytes, { level: 6 }).toString("base64"),
    ...(umPerCount !== undefined ? { umPerCount } : {}),
  };
}

/** Inverse of {@link pack} (for tests and tools); u16 counts come back as they were stored. */
export function unpack(p: Packed): Float32Array | Float64Array | Uint32Array | Uint16Array {
  const raw = unshuffle(new Uint8Array(inflateSync(Buffer.from(p.b64, "base64"))), ELEMENT_BYTES[p.type]);
  const buf = raw.buffer;
  if (p.type === "f32") return new Float32Array(buf);
  if (p.type === "f64") return new Float64Array(buf);
  return p.type === "u32" ? new Uint32Array(buf) : new Uint16Array(buf);
}

/** Depth step of a map embedded at reduced resolution, µm (finer for very deep maps never needed). */
export const REDUCED_STEP_UM = 0.1;

/** Counts of `umPerCount` (rounded, capped at 65535) of a reduced map. */
export function quantize(values: Float32Array, umPerCount: number): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    out[k] = v > 0 ? Math.min(65535, Math.round(v / umPerCount)) : 0;
  }
  return out;
}

/** A map's packed values: exact float32 at full resolution, 0.1 µm counts when reduced. */
function packMap(values: Float32Array, factor: number, maxUm: number): Packed {
  if (factor === 1) return pack(values);
  const step = Math.max(REDUCED_STEP_UM, maxUm / 65535);
  return pack(quantize(values, step), step);
}

/** Raster pixels per embedded pixel (a whole number) so the map has at most `maxPixels`. */
export function embedFactor(width: number, height: number, maxPixels = MAX_EMBED_PIXELS): number {
  let f = 1;
  while (Math.ceil(width / f) * Math.ceil(height / f) > maxPixels) f++;
  return f;
}

/**
 * Reduce a raster by a whole factor `f`, each embedded pixel the max of its f × f block (cells at
 * the far edges hold fewer); row 0 stays the lowest y. f = 1 returns the data itself.
 */
export function reduceMax(r: Raster, f: number): { data: Float32Array; width: number; height: number } {
  if (f === 1) return { data: r.data, width: r.width, height: r.height };
  const w = Math.ceil(r.width / f);
  const h = Math.ceil(r.height / f);
  const out = new Float32Array(w * h);
  const src = r.data;
  for (let j = 0; j < r.height; j++) {
    const o = Math.floor(j / f) * w;
    const base = j * r.width;
    for (let i = 0; i < r.width; i++) {
      const v = src[base + i];
      const k = o + Math.floor(i / f);
      if (v > out[k]) out[k] = v;
    }
  }
  return { data: out, width: w, height: h };
}

/** Largest value of a raster (NaN and negatives count as 0). */
export function rasterMax(r: Raster): number {
  let m = 0;
  const d = r.data;
  for (let k = 0; k < d.length; k++) if (d[k] > m) m = d[k];
  return m;
}

/** The spots of a scan in firing order, as the page needs them. */
export interface ViewScan {
  xMm: ArrayLike<number>;
  yMm: ArrayLike<number>;
  tMs: ArrayLike<number>;
  heatPerSpot: ArrayLike<number>;
  /** Bulk temperature rise each spot meets when it fires, K (a scan file's `tempRiseC`), if known. */
  tempRiseC?: ArrayLike<number>;
  stamps: readonly { originMm: readonly [number, number] }[];
  treatmentMs: number;
}

/** What a page is built from. */
export interface ViewInput {
  plan: ResolvedPlan;
  area: Area;
  scan: ViewScan;
  depth: Raster;
  /** A coagulation map (non-ablative lasers, or one given on the command line). */
  coag?: Raster;
  /** Ablative laser without a coagulation map: its residual coagulation layer, µm. */
  coagOffsetUm?: number;
  /** Show the coagulation map first (non-ablative lasers). */
  coagFirst?: boolean;
  report?: Report;
  /**
   * Warning level of the bulk rise, K (default 10): with `scan.tempRiseC`, the report rows gain
   * how many spots meet more than it.
   */
  maxBulkRiseC?: number;
  /** One line on where the data came from. */
  source: string;
  /** Largest embedded map, pixels (default {@link MAX_EMBED_PIXELS}). */
  maxPixels?: number;
}

function settingsRows(plan: ResolvedPlan, area: Area): [string, string][] {
  const d = derive(plan);
  const l = plan.laser;
  const s = plan.scanner;
  const p = plan.pattern;
  return [
    ["plan", plan.name],
    [
      "laser",
      `${l.name} · ${formatValue(l.wavelengthNm)} nm · ${l.kind}${l.kind === "ablative" ? ` · ${l.model}` : ""}`,
    ],
    ["spot", `${formatValue(plan.spot.diameterUm)} µm (1/e²) ${plan.spot.profile}`],
    [
      "pulse",
      `${formatValue(d.energyMj)} mJ · ${formatValue(d.fluenceJcm2)} J/cm² average${plan.pulse.stack > 1 ? ` · ${plan.pulse.stack} pulses` : ""}`,
    ],
    [
      "pattern",
      `${p.lattice} · ${formatValue(d.densityPerCm2)} /cm² · pitch ${formatValue(d.pitchUm)} µm · coverage ${formatValue(d.coverage * 100)} %`,
    ],
    [
      "area",
      `${plan.area.shape} · ${formatValue(area.maxX - area.minX)} × ${formatValue(area.maxY - area.minY)} mm · ${formatValue(area.areaMm2)} mm²`,
    ],
    ["order", `${plan.sequence.order} (seed ${plan.sequence.seed})`],
    [
      "scanner",
      `field ${formatValue(s.fieldMm[0])} × ${formatValue(s.fieldMm[1])} mm · ${formatValue(s.repRateHz)} Hz · jump ${formatValue(s.jumpSpeedMmS)} mm/s + ${formatValue(s.jumpDelayUs)} µs`,
    ],
    ["raster", `${formatValue(plan.raster.pixelUm)} µm/pixel`],
    ...(plan.region ? [["region", plan.region] as [string, string]] : []),
  ];
}

/** The report's rows as the CLI prints them (label, value), and its warnings. */
function reportRows(report: Report | undefined): { rows: [string, string][]; warnings: string[] } {
  if (!report) return { rows: [], warnings: [] };
  const rows: [string, string][] = [];
  const warnings: string[] = [];
  for (const line of formatReport(report).split("\n")) {
    if (line.startsWith("warning: ")) warnings.push(line.slice(9));
    else if (line.trim() !== "") {
      const m = /^\s*(.+?)\s{2,}(.*)$/.exec(line);
      if (m) rows.push([m[1], m[2]]);
    }
  }
  return { rows, warnings };
}

/** Label of the report row with the bulk rise's max / p95 / mean (as the CLI's report table). */
const BULK_RISE_ROW = "bulk rise max / p95 / mean";

/**
 * The report rows with the bulk rise of `rise` (K, per spot): its max / p95 / mean when the
 * report has none (a report simulated without it), and the count of spots above `warnK`, both
 * after the heat index row (at the end when there is none).
 */
export function withBulkRiseRows(
  rows: [string, string][],
  rise: ArrayLike<number>,
  warnK: number,
): [string, string][] {
  const stats = bulkRiseStats(Float64Array.from(rise), warnK);
  const out = [...rows];
  let at = out.findIndex(([k]) => k === BULK_RISE_ROW);
  if (at < 0) {
    const heatRow = out.findIndex(([k]) => k.startsWith("heat index"));
    at = heatRow < 0 ? out.length : heatRow + 1;
    out.splice(at, 0, [
      BULK_RISE_ROW,
      `${stats.maxC.toFixed(2)} / ${stats.p95C.toFixed(2)} / ${stats.meanC.toFixed(2)} K`,
    ]);
  }
  out.splice(at + 1, 0, [`bulk rise above ${warnK} K`, `${stats.over} of ${rise.length} spots`]);
  return out;
}

/** Assemble the page's data. */
export function buildViewData(input: ViewInput): ViewData {
  const { plan, area, scan, depth } = input;
  const f = embedFactor(depth.width, depth.height, input.maxPixels);
  const dm = reduceMax(depth, f);
  const cm = input.coag ? reduceMax(input.coag, f) : undefined;
  const map: ViewMap = {
    width: dm.width,
    height: dm.height,
    pixelUm: depth.pixelUm * f,
    originMm: [depth.originMm[0], depth.originMm[1]],
    factor: f,
    rasterWidth: depth.width,
    rasterHeight: depth.height,
    rasterPixelUm: depth.pixelUm,
    depth: packMap(dm.data, f, rasterMax(depth)),
    ...(cm && input.coag ? { coag: packMap(cm.data, f, rasterMax(input.coag)) } : {}),
    ...(!cm && input.coagOffsetUm !== undefined ? { coagOffsetUm: input.coagOffsetUm } : {}),
    maxDepthUm: rasterMax(depth),
    maxCoagUm: input.coag
      ? rasterMax(input.coag)
      : input.coagOffsetUm !== undefined && rasterMax(depth) > 0
        ? rasterMax(depth) + input.coagOffsetUm
        : 0,
    primary: input.coagFirst && cm ? "coag" : "depth",
  };
  const n = scan.xMm.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const t = new Float64Array(n);
  const heat = new Float32Array(n);
  let heatMax = 0;
  const rise = scan.tempRiseC ? new Float32Array(n) : undefined;
  let riseMax = 0;
  if (rise && scan.tempRiseC)
    for (let i = 0; i < n; i++) {
      rise[i] = scan.tempRiseC[i];
      if (rise[i] > riseMax) riseMax = rise[i];
    }
  for (let i = 0; i < n; i++) {
    x[i] = scan.xMm[i];
    y[i] = scan.yMm[i];
    // Times as a scan file writes them (1 ns), so counts by time match the file's.
    t[i] = roundTo(scan.tMs[i], 1e-6);
    heat[i] = scan.heatPerSpot[i];
    if (heat[i] > heatMax) heatMax = heat[i];
  }
  const colormaps: Record<string, string> = {};
  for (const name of COLORMAPS) colormaps[name] = Buffer.from(colormapLut(name)).toString("base64");
  const region =
    plan.region !== undefined && isRegionName(plan.region)
      ? {
          name: plan.region,
          epidermisUm: REGIONS[plan.region].epidermisUm,
          dermisUm: REGIONS[plan.region].dermisUm,
        }
      : undefined;
  const report = reportRows(input.report);
  const { warnings } = report;
  const rows = scan.tempRiseC
    ? withBulkRiseRows(report.rows, scan.tempRiseC, input.maxBulkRiseC ?? parseMaxBulkRise(undefined)) // no level given: the default
    : report.rows;
  const r6 = (v: number) => roundTo(v, 1e-6);
  return {
    version: VIEW_DATA_VERSION,
    title: planTitle(plan),
    source: input.source,
    map,
    colormaps,
    colormap: DEFAULT_COLORMAP,
    timeColormap: TIME_COLORMAP,
    outline: area.outline().map((ring) => Array.from(ring, r6)),
    outlineClosed: area.outlineClosed,
    bounds: [area.minX, area.minY, area.maxX, area.maxY],
    fieldMm: [plan.scanner.fieldMm[0], plan.scanner.fieldMm[1]],
    stamps: scan.stamps.map((s) => [r6(s.originMm[0]), r6(s.originMm[1])]),
    spots: {
      count: n,
      spotUm: plan.spot.diameterUm,
      xMm: pack(x),
      yMm: pack(y),
      tMs: pack(t),
      heat: pack(heat),
      heatMax,
      ...(rise ? { tempRiseC: pack(rise), tempRiseMaxC: riseMax } : {}),
    },
    treatmentMs: roundTo(scan.treatmentMs, 1e-6),
    ...(region ? { region } : {}),
    settings: settingsRows(plan, area),
    report: rows,
    warnings,
  };
}

/** The bundled page script (dist/view/page.js, built by `npm run build:view`). */
export function pageScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, "page.js"), join(here, "..", "..", "dist", "view", "page.js")])
    if (existsSync(p)) return readFileSync(p, "utf8");
  throw new Error("the page script dist/view/page.js is missing; run npm run build");
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c");
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The whole page: markup, style, data and script inline; nothing is fetched. */
export function viewHtml(data: ViewData, script = pageScript()): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<title>${escapeHtml(`laserscan view · ${data.title}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<div id="app"><p id="loading">Loading the map…</p></div>
<script type="application/json" id="${VIEW_DATA_ID}">${scriptJson(data)}</script>
<script>${script.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}

/** The page's style sheet. */
const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 "DejaVu Sans",system-ui,sans-serif;color:#222;background:#fafafa}
header{padding:10px 16px 6px;border-bottom:1px solid #ddd;background:#fff}
h1{font-size:16px;margin:0 0 2px}
.sub{color:#606060;font-size:12px}
.note{color:#606060;font-size:11px;margin-top:2px}
main{display:grid;grid-template-columns:minmax(420px,1fr) 360px;gap:12px;padding:12px 16px}
#mapwrap{position:relative;background:#fff;border:1px solid #ccc;height:min(72vh,820px);overflow:hidden}
#map{position:absolute;inset:0;width:100%;height:100%;cursor:grab;touch-action:none}
#map.section{cursor:crosshair}
#readout{position:absolute;left:8px;bottom:6px;background:rgba(255,255,255,.85);padding:2px 6px;border-radius:3px;font-variant-numeric:tabular-nums}
#zoomnote{position:absolute;right:8px;bottom:6px;background:rgba(255,255,255,.85);padding:2px 6px;border-radius:3px;color:#606060}
aside{display:flex;flex-direction:column;gap:10px}
.panel{background:#fff;border:1px solid #ddd;padding:8px 10px}
.panel h2{font-size:13px;margin:0 0 6px}
.row{display:flex;align-items:center;gap:8px;flex-wrap:wrap;margin:3px 0}
label{white-space:nowrap}
#timeline input[type=range]{width:100%}
#fired{font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%}
td{padding:1px 4px;vertical-align:top;border-bottom:1px solid #f0f0f0}
td:first-child{color:#606060;white-space:nowrap}
#sectionwrap{grid-column:1 / span 2;background:#fff;border:1px solid #ddd;padding:8px 10px}
#section{width:100%;height:260px;display:block}
.warn{color:#9a3412}
button{font:inherit;padding:2px 10px}
`;
