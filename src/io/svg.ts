/**
 * A scan as SVG, for laser software (galvo markers such as meerk40t, LightBurn) and drawing
 * programs (Inkscape). See docs/exports.md.
 *
 * - The page is the area's bounding box grown by one spot radius on every side; its size is
 *   given in mm (`width="…mm"`) and the viewBox is in mm, so one user unit is 1 mm.
 * - y is flipped: the page's top edge is the highest y, so the picture stands as on the scanner.
 *   A spot at (x, y) mm in scan coordinates is at (x − left, top − y) on the page, where
 *   (left, top) is the page's top-left corner in scan coordinates (written in `<desc>` and as
 *   `data-origin-mm` on the root).
 * - Group `spots`: one zero-length path `M x y Z` per spot, in firing order (laser software reads
 *   such a path as a point). Drawn as round dots of the spot's diameter (half of it with circles).
 * - Group `spot-size` (with `circles`): one circle of the spot's 1/e² diameter per spot, in firing order.
 * - Group `outline`: the area's boundary.
 * Each group is an Inkscape layer and has its own stroke colour (LightBurn makes layers by colour).
 * Positions are rounded to 1e-6 mm, as in the scan file.
 */
import type { Area } from "../area/types.js";
import type { Scan } from "../sequence/index.js";
import { POSITION_RESOLUTION_MM, roundTo } from "./scanfile.js";

export interface SvgOptions {
  /** Add a circle of the spot size per spot on its own group (`spot-size`). */
  circles?: boolean;
}

/** The page in scan coordinates (mm): left and top edges, width and height. */
export interface SvgPage {
  leftMm: number;
  topMm: number;
  widthMm: number;
  heightMm: number;
}

const SPOTS_PER_CHUNK = 4096;

const num = (v: number): string => String(roundTo(v, POSITION_RESOLUTION_MM));

function xmlEscape(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] as string,
  );
}

/** The page of a scan's SVG: the area's bounding box grown by the spot radius `radiusMm`. */
export function svgPage(area: Area, radiusMm: number): SvgPage {
  const leftMm = roundTo(area.minX - radiusMm, POSITION_RESOLUTION_MM);
  const topMm = roundTo(area.maxY + radiusMm, POSITION_RESOLUTION_MM);
  return {
    leftMm,
    topMm,
    widthMm: roundTo(area.maxX + radiusMm - leftMm, POSITION_RESOLUTION_MM),
    heightMm: roundTo(topMm - (area.minY - radiusMm), POSITION_RESOLUTION_MM),
  };
}

/**
 * The SVG of a scan as chunks of text (write them in order): spots in firing order as
 * zero-length paths, optionally circles of the spot size, and the area's outline.
 */
export function scanSvgChunks(
  name: string,
  spotDiameterUm: number,
  area: Area,
  scan: Scan,
  options: SvgOptions = {},
): string[] {
  const radiusMm = spotDiameterUm / 2000;
  const page = svgPage(area, radiusMm);
  const { leftMm, topMm } = page;
  const n = scan.xMm.length;
  const w = num(page.widthMm);
  const h = num(page.heightMm);
  const ink = "http://www.inkscape.org/namespaces/inkscape";
  const chunks: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="${ink}" version="1.1" width="${w}mm" height="${h}mm" viewBox="0 0 ${w} ${h}" data-origin-mm="${num(leftMm)} ${num(topMm)}">\n`,
    `<title>${xmlEscape(name)}</title>\n`,
    `<desc>laserscan scan: ${n} spots of ${spotDiameterUm} µm in firing order; 1 unit = 1 mm. ` +
      `A spot at (x, y) mm in scan coordinates (y up) is at (x - left, top - y) on the page, ` +
      `left = ${num(leftMm)} mm, top = ${num(topMm)} mm.</desc>\n`,
  ];
  const xs = scan.xMm;
  const ys = scan.yMm;
  const group = (id: string, style: string): string =>
    `<g id="${id}" inkscape:groupmode="layer" inkscape:label="${id}" ${style}>\n`;

  chunks.push(
    group(
      "spots",
      `fill="none" stroke="#000000" stroke-width="${num(options.circles ? radiusMm : 2 * radiusMm)}" stroke-linecap="round"`,
    ),
  );
  for (let s = 0; s < n; s += SPOTS_PER_CHUNK) {
    const end = Math.min(n, s + SPOTS_PER_CHUNK);
    const parts = new Array<string>(end - s);
    for (let i = s; i < end; i++)
      parts[i - s] = `<path d="M ${num(xs[i] - leftMm)} ${num(topMm - ys[i])} Z"/>\n`;
    chunks.push(parts.join(""));
  }
  chunks.push("</g>\n");

  if (options.circles) {
    chunks.push(group("spot-size", 'fill="none" stroke="#ff0000" stroke-width="0.01"'));
    const r = num(radiusMm);
    for (let s = 0; s < n; s += SPOTS_PER_CHUNK) {
      const end = Math.min(n, s + SPOTS_PER_CHUNK);
      const parts = new Array<string>(end - s);
      for (let i = s; i < end; i++)
        parts[i - s] = `<circle cx="${num(xs[i] - leftMm)}" cy="${num(topMm - ys[i])}" r="${r}"/>\n`;
      chunks.push(parts.join(""));
    }
    chunks.push("</g>\n");
  }

  chunks.push(
    group(
      "outline",
      'fill="none" stroke="#0000ff" stroke-width="0.05" stroke-linejoin="round" stroke-linecap="round"',
    ),
  );
  for (const line of area.outline()) {
    const parts: string[] = [];
    for (let i = 0; i < line.length; i += 2)
      parts.push(`${i === 0 ? "M" : "L"}${num(line[i] - leftMm)} ${num(topMm - line[i + 1])}`);
    if (area.outlineClosed) parts.push("Z");
    chunks.push(`<path d="${parts.join(" ")}"/>\n`);
  }
  chunks.push("</g>\n");
  chunks.push("</svg>\n");
  return chunks;
}
