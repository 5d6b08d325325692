/**
 * Treatment areas (docs/formats.md): build an {@link Area} from a plan's `area` block.
 */
import { resolve } from "node:path";
import { PlanError } from "../errors.js";
import { noteInput } from "../io/atomic.js";
import { readJsonFile } from "../plan/json.js";
import type { AreaSpec } from "../plan/schema.js";
import { MaskArea, maskRunsFromTriples, readMaskPng } from "./mask.js";
import { flattenRing, PolygonArea } from "./polygon.js";
import { checkHoles, checkPolygonsApart } from "./rings.js";
import { EllipseArea, RectArea } from "./shapes.js";
import type { Area } from "./types.js";

export type { Area } from "./types.js";

type Ring = number[][];

/** Most rings a GeoJSON area may hold, and most positions in all of them. */
export const MAX_GEOJSON_RINGS = 100_000;
export const MAX_GEOJSON_POSITIONS = 10_000_000;

/**
 * Rings of a GeoJSON Polygon / MultiPolygon (bare geometry, Feature or FeatureCollection).
 * Every level is checked before use: a malformed `coordinates` is a PlanError naming where it
 * is in the file (e.g. `area.path features[0].geometry.coordinates[0]`), and a hole outside
 * its shell or overlapping polygons are refused (the even-odd rule would treat them).
 */
export function geojsonRings(doc: unknown, path: string): Ring[] {
  const polygons: { rings: Ring[]; at: string }[] = [];
  let positions = 0;
  let ringCount = 0;
  const bad = (at: string, value: unknown, allowed: string): never => {
    throw new PlanError(`area.path ${at}`, value, `${allowed} (in ${path})`);
  };
  const ring = (r: unknown, at: string): Ring => {
    if (!Array.isArray(r)) return bad(at, r, "allowed: a ring, an array of [x, y] positions (mm)");
    if (r.length < 3) return bad(at, r, "allowed: a ring of at least 3 positions");
    positions += r.length;
    if (positions > MAX_GEOJSON_POSITIONS)
      bad(at, `${positions} positions`, `allowed: at most ${MAX_GEOJSON_POSITIONS} positions in all rings`);
    for (let i = 0; i < r.length; i++) {
      const p = r[i];
      if (!Array.isArray(p) || p.length < 2 || p.some((v) => typeof v !== "number" || !Number.isFinite(v)))
        bad(`${at}[${i}]`, p, "allowed: a position [x, y] of finite numbers (mm)");
    }
    return r as Ring;
  };
  const polygon = (c: unknown, at: string): void => {
    if (!Array.isArray(c) || c.length === 0)
      bad(at, c, "allowed: a polygon, an array of rings (shell first, then holes)");
    ringCount += (c as unknown[]).length;
    if (ringCount > MAX_GEOJSON_RINGS)
      bad(at, `${ringCount} rings`, `allowed: at most ${MAX_GEOJSON_RINGS} rings`);
    polygons.push({ rings: (c as unknown[]).map((r, k) => ring(r, `${at}[${k}]`)), at });
  };
  // Iterative walk (features inside collections): no recursion on the user's nesting.
  const todo: [unknown, string][] = [[doc, ""]];
  while (todo.length > 0) {
    const [g, at] = todo.pop() as [unknown, string];
    const o = g as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
    if (!o || typeof o !== "object" || Array.isArray(o)) continue;
    const prefix = at ? `${at}.` : "";
    if (o.type === "FeatureCollection") {
      if (!Array.isArray(o.features)) bad(`${prefix}features`, o.features, "allowed: an array of features");
      const fs = o.features as unknown[];
      for (let i = fs.length - 1; i >= 0; i--) todo.push([fs[i], `${prefix}features[${i}]`]);
    } else if (o.type === "Feature") todo.push([o.geometry, `${prefix}geometry`]);
    else if (o.type === "Polygon") polygon(o.coordinates, `${prefix}coordinates`);
    else if (o.type === "MultiPolygon") {
      const c = o.coordinates;
      if (!Array.isArray(c)) bad(`${prefix}coordinates`, c, "allowed: an array of polygons");
      (c as unknown[]).forEach((poly, k) => {
        polygon(poly, `${prefix}coordinates[${k}]`);
      });
    }
  }
  if (polygons.length === 0)
    throw new PlanError(
      "area.path",
      path,
      "allowed: a GeoJSON Polygon or MultiPolygon (geometry, Feature or FeatureCollection)",
    );
  const flat = polygons.map((p) => p.rings.map((r) => flattenRing(r, 0, 0)));
  flat.forEach((rings, q) => {
    checkHoles(rings, (k) => `area.path ${polygons[q].at}[${k}]`);
  });
  checkPolygonsApart(flat, (q) => `area.path ${polygons[q].at}`);
  return polygons.flatMap((p) => p.rings);
}

/** Build the area of a plan; relative paths resolve against `baseDir`. */
export function createArea(spec: AreaSpec, baseDir = "."): Area {
  return checkFinite(buildArea(spec, baseDir));
}

/**
 * Refuse an area whose extent or size overflows (coordinates near 1e308, an origin that pushes
 * the far side to Infinity): every count derived from it (pixels, stamps, spots) would be
 * meaningless.
 */
function checkFinite(area: Area): Area {
  const values = [area.minX, area.minY, area.maxX, area.maxY, area.maxX - area.minX, area.maxY - area.minY];
  if (!values.every(Number.isFinite) || !Number.isFinite(area.areaMm2) || !(area.areaMm2 > 0))
    throw new PlanError(
      "area",
      `${area.shape} from (${area.minX}, ${area.minY}) to (${area.maxX}, ${area.maxY}) mm, ${area.areaMm2} mm²`,
      "allowed: an area whose position, extent and size are finite numbers of mm",
    );
  return area;
}

function buildArea(spec: AreaSpec, baseDir: string): Area {
  const [ox, oy] = spec.originMm;
  switch (spec.shape) {
    case "rect":
      return new RectArea(spec.widthMm, spec.heightMm, [ox, oy]);
    case "circle":
      return new EllipseArea(spec.diameterMm, spec.diameterMm, [ox, oy], true);
    case "ellipse":
      return new EllipseArea(spec.widthMm, spec.heightMm, [ox, oy]);
    case "polygon":
      return new PolygonArea(spec.rings.map((r) => flattenRing(r, ox, oy)));
    case "geojson": {
      const path = resolve(baseDir, spec.path);
      noteInput(path, "area.path");
      const rings = geojsonRings(readJsonFile(path, "area.path"), path);
      return new PolygonArea(
        rings.map((r) => flattenRing(r, ox, oy)),
        "area.path",
      );
    }
    case "mask": {
      if (spec.path !== undefined) {
        noteInput(resolve(baseDir, spec.path), "area.path");
        return new MaskArea(readMaskPng(resolve(baseDir, spec.path)), spec.pixelMm, [ox, oy]);
      }
      const runs = maskRunsFromTriples(
        spec.widthPx as number,
        spec.heightPx as number,
        spec.runs as number[],
      );
      return new MaskArea(runs, spec.pixelMm, [ox, oy], "area.runs");
    }
  }
}
