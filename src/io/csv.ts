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
 * The CSV text as chunks (concatenate or hand to `writeFileAtomic`). `energyMj` is per pulse.
 * `tempRiseC` (per spot, K: the bulk rise it meets, docs/bulk-heating.md) adds a last column.
 */
export function scanCsvChunks(scan: Scan, energyMj: number, tempRiseC?: Float64Array): string[] {
  const n = scan.xMm.length;
  const energy = String(roundTo(energyMj, 1e-9));
  const chunks: string[] = [tempRiseC ? `${CSV_HEADER},tempRiseC\n` : `${CSV_HEADER}\n`];
  let rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const rise = tempRiseC ? `,${roundTo(tempRiseC[i], TEMP_RESOLUTION_K)}` : "";
    rows.push(
      `${i},${roundTo(scan.xMm[i], POSITION_RESOLUTION_MM)},${roundTo(scan.yMm[i], POSITION_RESOLUTION_MM)},${roundTo(scan.tMs[i], TIME_RESOLUTION_MS)},${scan.stamp[i]},${scan.pulses[i]},${energy}${rise}\n`,
    );
    if (rows.length === ROWS_PER_CHUNK) {
      chunks.push(rows.join(""));
      rows = [];
    }
  }
  if (rows.length > 0) chunks.push(rows.join(""));
  return chunks;
}
