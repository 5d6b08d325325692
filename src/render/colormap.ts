/**
 * Colormaps (docs/formats.md): d3-scale-chromatic's perceptual maps, sampled once into a 256-entry
 * RGBA lookup table so a heatmap costs one table read per pixel.
 */
import {
  interpolateInferno,
  interpolateMagma,
  interpolateTurbo,
  interpolateViridis,
} from "d3-scale-chromatic";
import type { ColormapName } from "./options.js";

export { COLORMAPS, type ColormapName, checkColormap, DEFAULT_COLORMAP } from "./options.js";

/** Entries in a lookup table. */
export const LUT_SIZE = 256;

const INTERPOLATORS: Record<Exclude<ColormapName, "gray">, (t: number) => string> = {
  viridis: interpolateViridis,
  inferno: interpolateInferno,
  magma: interpolateMagma,
  turbo: interpolateTurbo,
};

/**
 * Parse a CSS colour as d3 returns it ("#rrggbb" or "rgb(r, g, b)") into [r, g, b] 0..255.
 * Throws on anything else (it would be a bug, not a user mistake).
 */
export function parseCssColor(css: string): [number, number, number] {
  if (css.startsWith("#") && css.length === 7) {
    const v = Number.parseInt(css.slice(1), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  throw new Error(`unexpected colour string ${css}`);
}

const cache = new Map<ColormapName, Uint8Array>();

/**
 * The 256-entry RGBA lookup table of a colormap: entry i is the colour at t = i / 255, so
 * entry 0 is the map's start (depth 0) and entry 255 its end (the top of the scale). Tables
 * are built once per process and shared: do not write into them.
 */
export function colormapLut(name: ColormapName): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const lut = new Uint8Array(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    const [r, g, b] = name === "gray" ? [i, i, i] : parseCssColor(INTERPOLATORS[name](t));
    lut[i * 4] = r;
    lut[i * 4 + 1] = g;
    lut[i * 4 + 2] = b;
    lut[i * 4 + 3] = 255;
  }
  cache.set(name, lut);
  return lut;
}

/** Overlay colours a contour may take (vivid, and far from each other). */
export const OVERLAY_COLORS = ["#ff2e63", "#ffffff", "#00e5ff", "#000000", "#2047ff", "#7cfc00"] as const;
/** Half-width of the stretch of the colormap a contour line is seen against (fraction of the scale). */
const CONTRAST_WINDOW = 0.15;

/**
 * Colours for overlay lines at positions `ts` (0..1 along the colour scale, e.g. contour
 * depth / max): each line gets the unused {@link OVERLAY_COLORS} entry farthest (in RGB) from
 * every colormap colour within ±0.15 of its position, so a line stays visible on both sides.
 */
export function contrastColors(name: ColormapName, ts: readonly number[]): string[] {
  const lut = colormapLut(name);
  const used = new Set<string>();
  const out: string[] = [];
  for (const t of ts) {
    const lo = Math.max(0, Math.round((Math.min(1, t) - CONTRAST_WINDOW) * (LUT_SIZE - 1)));
    const hi = Math.min(LUT_SIZE - 1, Math.round((Math.min(1, t) + CONTRAST_WINDOW) * (LUT_SIZE - 1)));
    let best: string = OVERLAY_COLORS[0];
    let bestD = -1;
    for (const cand of OVERLAY_COLORS) {
      if (used.has(cand)) continue;
      const [r, g, b] = parseCssColor(cand);
      let minD = Number.POSITIVE_INFINITY;
      for (let k = lo; k <= hi; k++) {
        const dr = r - lut[4 * k];
        const dg = g - lut[4 * k + 1];
        const db = b - lut[4 * k + 2];
        minD = Math.min(minD, dr * dr + dg * dg + db * db);
      }
      if (minD > bestD) {
        bestD = minD;
        best = cand;
      }
    }
    used.add(best);
    out.push(best);
  }
  return out;
}
