/**
 * `laserscan render <depth.npy|depth.png> --heatmap out.png`: draw a depth or coagulation map
 * file as a heatmap, framed with the plan's area outline and title when `--plan` is given.
 */
import { extname } from "node:path";
import { type Command, Option } from "commander";
import type { Area } from "../../area/types.js";
import { DEFAULT_UNCERTAINTY_PCT } from "../../dose/ablation.js";
import { PlanError } from "../../errors.js";
import { readMap } from "../../io/maps.js";
import { DEFAULT_PIXEL_UM, type ResolvedPlan } from "../../plan/schema.js";
import type { HeatmapOptions, MapLabel } from "../../render/heatmap.js";
import { writeHeatmap } from "../../render/write.js";
import {
  addHeatmapStyleOptions,
  type HeatmapCliOptions,
  heatmapOptionsFromCli,
  pngPath,
  positiveNumber,
} from "../heatmap-flags.js";
import { parseNumberFlag } from "../options.js";

/** Options of `render` as commander parses them. */
interface RenderCliOptions extends HeatmapCliOptions {
  heatmap: string;
  plan?: string;
  pixelUm?: number;
  coag?: boolean;
  section?: string;
  output?: string;
  coagMap?: string;
  level?: number;
}

/** Register `render`. */
export async function register(program: Command): Promise<void> {
  const cmd = program
    .command("render")
    .description("render a depth map (.npy, 16-bit .png or .zarr from simulate) as a heatmap PNG")
    .argument("<depth>", "depth map: .npy (float32), .png (16-bit, umPerCount) or .zarr (OME-Zarr)")
    .addOption(new Option("--heatmap <file.png>", "output heatmap (PNG)").argParser(pngPath("--heatmap")))
    .option("--plan <plan>", "the plan the map came from: pixel size, area outline and title")
    .addOption(
      new Option(
        "--pixel-um <um>",
        `map pixel size, µm (default: the plan's, else ${DEFAULT_PIXEL_UM})`,
      ).argParser(positiveNumber("pixel-um")),
    )
    .option("--coag", "the map is a coagulation map (labels)")
    .addOption(
      new Option(
        "--level <k>",
        "of a .zarr map: the pyramid level (0 = full size, k = 2^k × smaller)",
      ).argParser((v: string) => parseNumberFlag("level", v, true)),
    )
    .option("--json", "print what was drawn as JSON");
  addHeatmapStyleOptions(cmd);
  (await import("./view.js")).addSectionOptions(cmd);
  cmd.action(async (input: string, opts: RenderCliOptions) => {
    if (opts.section !== undefined)
      return (await import("./view.js")).runSectionCommand(input, { ...opts, section: opts.section });
    if (opts.heatmap === undefined)
      throw new PlanError(
        "--heatmap",
        undefined,
        "required: the heatmap file (.png), or --section x0,y0,x1,y1 -o f.png",
      );
    let plan: ResolvedPlan | undefined;
    let area: Area | undefined;
    if (opts.plan !== undefined) {
      const { loadPlan } = await import("../../plan/load.js");
      const { createArea } = await import("../../area/index.js");
      const loaded = loadPlan(
        opts.plan,
        opts.pixelUm === undefined ? {} : { "raster.pixelUm": opts.pixelUm },
      );
      plan = loaded.plan;
      area = createArea(plan.area, loaded.baseDir);
    }
    const zarrMap = extname(input).toLowerCase() === ".zarr";
    if (opts.level !== undefined && !zarrMap)
      throw new PlanError("--level", opts.level, "allowed only with a .zarr map");
    const raster = await readMap(
      input,
      plan?.raster.pixelUm ?? opts.pixelUm ?? DEFAULT_PIXEL_UM,
      area ? [area.minX, area.minY] : [0, 0],
      opts.level ?? 0,
    );
    const pixelUm = zarrMap ? raster.pixelUm : (plan?.raster.pixelUm ?? opts.pixelUm ?? DEFAULT_PIXEL_UM);
    if (!zarrMap && !plan && opts.pixelUm === undefined && !opts.json)
      process.stderr.write(
        `laserscan: note: a depth file carries no pixel size; assuming ${DEFAULT_PIXEL_UM} µm (give --pixel-um or --plan)\n`,
      );
    if (area && (opts.level ?? 0) === 0) {
      const { rasterSize } = await import("../../dose/splat.js");
      const want = rasterSize(area, pixelUm);
      if (want.width !== raster.width || want.height !== raster.height)
        throw new PlanError(
          "--plan",
          opts.plan,
          `the map is ${raster.width} × ${raster.height} pixels but the plan's area at ${pixelUm} µm gives ${want.width} × ${want.height}; give the plan the map came from (and its --pixel-um)`,
        );
    }
    const label: MapLabel = opts.coag ? "Coagulation" : "Depth";
    const title = plan ? (await import("../../render/title.js")).planTitle(plan) : undefined;
    const options: HeatmapOptions = {
      ...heatmapOptionsFromCli(opts, title),
      outline: area?.outline(),
      outlineClosed: area?.outlineClosed,
      label,
      uncertaintyPct: plan ? (plan.laser.uncertaintyPct ?? DEFAULT_UNCERTAINTY_PCT) : undefined,
    };
    const layout = await writeHeatmap(opts.heatmap, raster, options, opts.json === true);
    if (opts.json)
      process.stdout.write(
        `${JSON.stringify(
          {
            heatmap: opts.heatmap,
            widthPx: layout.width,
            heightPx: layout.height,
            rasterWidth: raster.width,
            rasterHeight: raster.height,
            pixelUm,
            maxUm: layout.maxUm,
            clipped: layout.clipped,
            pixelsPerDot: layout.factor,
          },
          null,
          2,
        )}\n`,
      );
  });
}
