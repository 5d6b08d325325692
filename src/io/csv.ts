/**
 * Scan as CSV (docs/formats.md): one row per spot in firing order, header
 * `index,xMm,yMm,tMs,stamp,pulses,energyMj`; `index` is the 0-based firing position. Numbers
 * are rounded like the scan file (1e-6 mm, 1e-6 ms), so the bytes are deterministic.
 */
import type { Scan } from "../sequence/index.js";
import { POSITION_RESOLUTION_MM, roundTo, TEMP_RESOLUTION_K, TIME_RESOLUTION_MS } from "./scanfile.js";

export const CSV_HEADER = "index,xMm,yMm,tMs,stamp,pulses,energyMj";
/** Rows per string chunk handed to the writer (keeps big scans off one giant string). */
const ROWS_PER_CHUNK = 65536;

/**
 * The CSV text as chunks (concatenate or hand to `writeFileAtomic`). `energyMj` is per pulse: one
 * number, or one per pass (a multi-pass scan then gets a `pass` column, docs/passes.md).
 * `tempRiseC` (per spot, K: the bulk rise it meets, docs/bulk-heating.md) adds a last column.
 */
export function scanCsvChunks(
  scan: Scan,
  energyMj: number | readonly number[],
  tempRiseC?: Float64Array,
): string[] {
  const n = scan.xMm.length;
  const perPass = typeof energyMj === "number" ? [energyMj] : energyMj;
  const energies = perPass.map((e) => String(roundTo(e, 1e-9)));
  const multi = (scan.passes?.length ?? 1) > 1 && scan.pass !== undefined;
  const chunks: string[] = [`${CSV_HEADER}${multi ? ",pass" : ""}${tempRiseC ? ",tempRiseC" : ""}\n`];
  let rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = multi ? (scan.pass?.[i] ?? 0) : 0;
    const energy = energies[Math.min(k, energies.length - 1)];
    const rise = tempRiseC ? `,${roundTo(tempRiseC[i], TEMP_RESOLUTION_K)}` : "";
    rows.push(
      `${i},${roundTo(scan.xMm[i], POSITION_RESOLUTION_MM)},${roundTo(scan.yMm[i], POSITION_RESOLUTION_MM)},${roundTo(scan.tMs[i], TIME_RESOLUTION_MS)},${scan.stamp[i]},${scan.pulses[i]},${energy}${multi ? `,${k}` : ""}${rise}\n`,
    );
    if (rows.length === ROWS_PER_CHUNK) {
      chunks.push(rows.join(""));
      rows = [];
    }
  }
  if (rows.length > 0) chunks.push(rows.join(""));
  return chunks;
}
