/**
 * The data a view page carries (written by `laserscan view`, read by the page script). Large
 * arrays travel as base64 of deflate-compressed little-endian typed arrays ("packed"); the
 * page inflates them with the browser's own DecompressionStream, so no library is needed there.
 */
import type { SkinLayers } from "./profile.js";

/** Version of the embedded data layout. */
export const VIEW_DATA_VERSION = 1;
/** Id of the <script type="application/json"> element holding the data. */
export const VIEW_DATA_ID = "laserscan-data";

/**
 * A packed typed array: base64 of deflate(bytes), its element type and count. The bytes are
 * "shuffled" (all first bytes of the elements, then all second bytes, ...), which lets deflate
 * find the slowly varying sign and exponent bytes of floats: a third smaller for depth maps.
 * A "u16" array holds counts of `umPerCount` µm (maps embedded at reduced resolution).
 */
export interface Packed {
  type: "f32" | "f64" | "u32" | "u16";
  length: number;
  b64: string;
  umPerCount?: number;
}

/** The map the page shows and reads (row 0 is the lowest y). */
export interface ViewMap {
  /** Embedded map size, pixels, and pixel size, µm. */
  width: number;
  height: number;
  pixelUm: number;
  originMm: [number, number];
  /** Raster pixels per embedded pixel along each axis (1: full resolution). */
  factor: number;
  /** The full-resolution raster it came from. */
  rasterWidth: number;
  rasterHeight: number;
  rasterPixelUm: number;
  /**
   * Ablation depth, µm: float32 exactly as the raster at full resolution; when reduced, the max
   * of each factor × factor block in steps of `umPerCount` (u16).
   */
  depth: Packed;
  /** Coagulation depth map, µm, when embedded. */
  coag?: Packed;
  /** Ablative: coagulation = depth + this where depth > 0 (when no coagulation map is embedded). */
  coagOffsetUm?: number;
  /** Largest value of the full-resolution maps, µm (exact, not of the reduced map). */
  maxDepthUm: number;
  maxCoagUm: number;
  /** The map shown first. */
  primary: "depth" | "coag";
}

/** The spots in firing order. */
export interface ViewSpots {
  count: number;
  /** Spot diameter (1/e²), µm. */
  spotUm: number;
  xMm: Packed;
  yMm: Packed;
  /** First-pulse time, ms (float64, as in the scan file). */
  tMs: Packed;
  /** Heat index at firing (float32). */
  heat: Packed;
  heatMax: number;
  /**
   * Bulk temperature rise each spot meets when it fires, K (float32), when the scan file carries
   * `tempRiseC` (`scan --heat --bulk-rise`, docs/bulk-heating.md); absent otherwise.
   */
  tempRiseC?: Packed;
  /** Largest of `tempRiseC`, K (the top of its colour bar). */
  tempRiseMaxC?: number;
}

/** Everything a page shows. */
export interface ViewData {
  version: number;
  /** The plan's key settings in one line (as the PNGs' titles). */
  title: string;
  /** Where the data came from (plan or scan file, simulated or read from which maps). */
  source: string;
  map: ViewMap;
  /** 256-entry RGBA lookup tables of the PNG renderer's colormaps, base64. */
  colormaps: Record<string, string>;
  colormap: string;
  timeColormap: string;
  /** Area outline polylines, mm, and whether they are closed rings. */
  outline: number[][];
  outlineClosed: boolean;
  /** The area's bounding box, mm. */
  bounds: [number, number, number, number];
  /** Scanner field size and each stamp's lower-left corner, mm. */
  fieldMm: [number, number];
  stamps: [number, number][];
  spots: ViewSpots;
  treatmentMs: number;
  region?: SkinLayers;
  /** The plan's key settings and the report's numbers as label/value rows. */
  settings: [string, string][];
  report: [string, string][];
  warnings: string[];
}

/** The page's scripting interface (`window.laserscanView`), in plan coordinates (mm, y up). */
export interface LaserscanView {
  spotCount: number;
  treatmentMs: number;
  /** Largest depth of the full-resolution map, µm. */
  maxDepthUm: number;
  /** Move the timeline to `ms`; returns the number of spots fired by then (first pulse ≤ ms). */
  setTimeMs(ms: number): number;
  /** Depth of the embedded map at (x, y) mm, µm (NaN outside the map). */
  depthAtMm(xMm: number, yMm: number): number;
  /** The depth profile along a line (shown in the page too): samples every half pixel or closer. */
  section(x0: number, y0: number, x1: number, y1: number): { sMm: number; depthUm: number }[];
  /** The spot colourings this page offers: "time" and "heat" always, "tempRise" when the scan carries it. */
  spotColorings: SpotColoring[];
  /** Colour the spots (map and timeline) by this; returns the colouring now in use. */
  setSpotColoring(mode: SpotColoring): SpotColoring;
  /** Bulk temperature rise spot `i` (firing order) met when it fired, K; NaN when the page has none. */
  tempRiseCAt(i: number): number;
  /** Largest bulk temperature rise, K (the top of its colour bar); NaN when the page has none. */
  maxTempRiseC: number;
  /** The colour spot `i` is drawn with in the current colouring, "rgb(r,g,b)". */
  spotColorAt(i: number): string;
  /** Where (x, y) mm is on the map canvas, CSS pixels from its top-left corner. */
  mmToCanvas(xMm: number, yMm: number): [number, number];
}

/** What the spots are coloured by: firing time, heat index or bulk temperature rise at firing. */
export type SpotColoring = "time" | "heat" | "tempRise";
