/**
 * Treatment areas (docs/formats.md): build an {@link Area} from a plan's `area` block.
 */
import { resolve } from "node:path";
import { PlanError } from "../errors.js";
import { readJsonFile } from "../plan/json.js";
import type { AreaSpec } from "../plan/schema.js";
import { MaskArea, maskRunsFromTriples, readMaskPng } from "./mask.js";
import { flattenRing, PolygonArea } from "./polygon.js";
import { EllipseArea, RectArea } from "./shapes.js";
import type { Area } from "./types.js";

export type { Area } from "./types.js";

type Ring = number[][];

/** Rings of a GeoJSON Polygon / MultiPolygon (bare geometry, Feature or FeatureCollection). */
export function geojsonRings(doc: unknown, path: string): Ring[] {
  const rings: Ring[] = [];
  const visit = (g: unknown): void => {
    const o = g as { type?: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] };
    if (!o || typeof o !== "object") return;
    if (o.type === "FeatureCollection" && Array.isArray(o.features)) for (const f of o.features) visit(f);
    else if (o.type === "Feature") visit(o.geometry);
    else if (o.type === "Polygon" && Array.isArray(o.coordinates)) rings.push(...(o.coordinates as Ring[]));
    else if (o.type === "MultiPolygon" && Array.isArray(o.coordinates))
      for (const poly of o.coordinates as Ring[][]) rings.push(...poly);
  };
  visit(doc);
  if (rings.length === 0)
    throw new PlanError(
      "area.path",
      path,
      "allowed: a GeoJSON Polygon or MultiPolygon (geometry, Feature or FeatureCollection)",
    );
  for (const ring of rings)
    if (
      !Array.isArray(ring) ||
      ring.some((p) => !Array.isArray(p) || p.length < 2 || p.some((v) => typeof v !== "number"))
    )
      throw new PlanError("area.path", path, "allowed: GeoJSON rings of [x, y] number pairs (mm)");
  return rings;
}

/** Build the area of a plan; relative paths resolve against `baseDir`. */
export function createArea(spec: AreaSpec, baseDir = "."): Area {
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
      const rings = geojsonRings(readJsonFile(path, "area.path"), path);
      return new PolygonArea(
        rings.map((r) => flattenRing(r, ox, oy)),
        "area.path",
      );
    }
    case "mask": {
      if (spec.path !== undefined)
        return new MaskArea(readMaskPng(resolve(baseDir, spec.path)), spec.pixelMm, [ox, oy]);
      const runs = maskRunsFromTriples(
        spec.widthPx as number,
        spec.heightPx as number,
        spec.runs as number[],
      );
      return new MaskArea(runs, spec.pixelMm, [ox, oy], "area.runs");
    }
  }
}
