/**
 * A scan as DXF (AutoCAD 2007 text DXF, written by @tarikjabiri/dxf), for CAD and laser
 * software. See docs/exports.md.
 *
 * - `$INSUNITS` = 4: drawing units are mm; coordinates are the scan's own (y up, as on the scanner).
 * - Layer `spots`: one POINT per spot, in firing order.
 * - Layer `spot-size`: one CIRCLE of the spot's 1/e² diameter per spot, in firing order.
 * - Layer `outline`: the area's boundary as LWPOLYLINEs (closed for rings).
 * Positions are rounded to 1e-6 mm, as in the scan file. The entity handles the writer assigns
 * count up per process, so a second file written by the same process differs in its handles
 * (the CLI writes one per run: its bytes depend on the plan alone).
 */

import { Colors, DxfWriter, LWPolylineFlags, point3d, Units } from "@tarikjabiri/dxf";
import type { Area } from "../area/types.js";
import { PlanError } from "../errors.js";
import type { Scan } from "../sequence/index.js";
import { POSITION_RESOLUTION_MM, roundTo } from "./scanfile.js";

/** Layer names of the DXF export. */
export const DXF_LAYERS = { spots: "spots", spotSize: "spot-size", outline: "outline" } as const;

/**
 * Most spots a DXF is written for: the writer holds the whole drawing in memory, about 5.5 KB
 * per spot (366 MB peak for 66,316 spots), so 500,000 spots need about 3 GB.
 */
export const DXF_MAX_SPOTS = 500_000;

const mm = (v: number): number => roundTo(v, POSITION_RESOLUTION_MM);

/** The DXF text of a scan: points and circles in firing order, the outline as polylines. */
export function scanDxf(spotDiameterUm: number, area: Area, scan: Scan): string {
  if (scan.xMm.length > DXF_MAX_SPOTS)
    throw new PlanError(
      "--dxf",
      `${scan.xMm.length} spots`,
      `allowed: up to ${DXF_MAX_SPOTS} spots (the DXF writer holds the whole drawing in memory); use --svg or --csv`,
    );
  const dxf = new DxfWriter();
  dxf.setUnits(Units.Millimeters);
  dxf.addLayer(DXF_LAYERS.spots, Colors.White, "Continuous");
  dxf.addLayer(DXF_LAYERS.spotSize, Colors.Red, "Continuous");
  dxf.addLayer(DXF_LAYERS.outline, Colors.Blue, "Continuous");
  const n = scan.xMm.length;
  const xs = scan.xMm;
  const ys = scan.yMm;
  for (let i = 0; i < n; i++) dxf.addPoint(mm(xs[i]), mm(ys[i]), 0, { layerName: DXF_LAYERS.spots });
  const r = mm(spotDiameterUm / 2000);
  for (let i = 0; i < n; i++)
    dxf.addCircle(point3d(mm(xs[i]), mm(ys[i]), 0), r, { layerName: DXF_LAYERS.spotSize });
  for (const line of area.outline()) {
    const vertices = [];
    for (let i = 0; i < line.length; i += 2) vertices.push({ point: { x: mm(line[i]), y: mm(line[i + 1]) } });
    dxf.addLWPolyline(vertices, {
      flags: area.outlineClosed ? LWPolylineFlags.Closed : LWPolylineFlags.None,
      layerName: DXF_LAYERS.outline,
    });
  }
  return `${dxf.stringify()}\n`;
}
