/**
 * `laserscan render <depth.npy|depth.png> --heatmap out.png` (SPEC §5, §6), and the heatmap
 * and preview options other commands borrow: `simulate --heatmap/--coag-heatmap` and
 * `scan --preview`. Option values are checked while the command line is parsed, so a bad
 * flag fails before any long simulation starts.
 */
import { extname } from "node:path";
import { type Command, Option } from "commander";
import type { Area } from "../../area/types.js";
import type { Raster } from "../../dose/raster.js";
import { PlanError } from "../../errors.js";
import { checkWritable, writeFileAtomic } from "../../io/atomic.js";
import { DEFAULT_PIXEL_UM, type ResolvedPlan } from "../../plan/schema.js";
import type { HeatmapLayout, HeatmapOptions, MapLabel } from "../../render/heatmap.js";
import {
  COLORMAPS,
  checkColormap,
  DEFAULT_PREVIEW_JUMPS,
  DEFAULT_WIDTH_PX,
  MAX_WIDTH_PX,
  MIN_WIDTH_PX,
  parseContourLevels,
  REDUCES,
  type Reduce,
} from "../../render/options.js";
import type { PreviewScan } from "../../render/preview.js";
import { parseNumberFlag } from "../options.js";

// The drawing code (pureimage, fonts, d3) loads only when a picture is drawn: the flags above
// are checked while parsing, so `scan` and `simulate` start as fast without a picture.

/** Heatmap style options as commander hands them over (already checked by the parsers below). */
export interface HeatmapCliOptions {
  colormap?: string;
  max?: number;
  contours?: string;
  title?: string;
  width?: number;
  reduce?: Reduce;
  json?: boolean;
  [other: string]: unknown;
}

/** A parser for a PNG output flag: the path must end in .png and its folder must exist. */
function pngPath(flag: string): (value: string) => string {
  return (value: string) => {
    if (extname(value).toLowerCase() !== ".png")
      throw new PlanError(flag, value, "allowed: a file ending in .png");
    checkWritable(value, flag);
    return value;
  };
}

function positiveNumber(flag: string): (value: string) => number {
  return (value: string) => {
    const v = parseNumberFlag(flag, value);
    if (!(v > 0)) throw new PlanError(`--${flag}`, value, "allowed: a number > 0");
    return v;
  };
}

function widthPx(value: string): number {
  const v = parseNumberFlag("width", value, true);
  if (v < MIN_WIDTH_PX || v > MAX_WIDTH_PX)
    throw new PlanError("--width", value, `allowed: a whole number of px, ${MIN_WIDTH_PX}..${MAX_WIDTH_PX}`);
  return v;
}

function reduceMode(value: string): Reduce {
  if ((REDUCES as readonly string[]).includes(value)) return value as Reduce;
  throw new PlanError("--reduce", value, "allowed: one of max | mean");
}

/** Add the heatmap style flags (colormap, max, title, width, reduce); `--contours` too unless the command has it. */
export function addHeatmapStyleOptions(cmd: Command, withContours = true): Command {
  cmd
    .addOption(
      new Option("--colormap <name>", `colour scale: ${COLORMAPS.join(" | ")} (default viridis)`).argParser(
        (v) => checkColormap(v),
      ),
    )
    .addOption(
      new Option(
        "--max <um>",
        "top of the colour scale, µm (default: the map's max); deeper is clipped",
      ).argParser(positiveNumber("max")),
    )
    .option("--title <text>", "title line (default: the plan's key settings)")
    .addOption(
      new Option("--width <px>", `longest side of the map, px (default ${DEFAULT_WIDTH_PX})`).argParser(
        widthPx,
      ),
    )
    .addOption(
      new Option(
        "--reduce <mode>",
        "max | mean of each pixel block when the map is shrunk (default max)",
      ).argParser(reduceMode),
    );
  if (withContours)
    cmd.addOption(
      new Option("--contours <um,...>", "iso-depth lines, µm (e.g. 30,150)").argParser((v) => {
        parseContourLevels(v);
        return v;
      }),
    );
  return cmd;
}

/** Add `--heatmap f.png` and `--coag-heatmap f.png` plus the style flags to `simulate`. */
export function addSimulateHeatmapOptions(cmd: Command): Command {
  cmd
    .addOption(
      new Option("--heatmap <file.png>", "write the depth heatmap (PNG)").argParser(pngPath("--heatmap")),
    )
    .addOption(
      new Option("--coag-heatmap <file.png>", "write the coagulation heatmap (PNG)").argParser(
        pngPath("--coag-heatmap"),
      ),
    );
  return addHeatmapStyleOptions(cmd, false);
}

/** Heatmap options from the parsed flags (title falls back to `defaultTitle`). */
export function heatmapOptionsFromCli(opts: HeatmapCliOptions, defaultTitle?: string): HeatmapOptions {
  return {
    colormap: opts.colormap === undefined ? undefined : checkColormap(opts.colormap),
    maxUm: opts.max,
    contoursUm: opts.contours === undefined ? [] : parseContourLevels(opts.contours),
    title: opts.title ?? defaultTitle,
    widthPx: opts.width,
    reduce: opts.reduce,
  };
}

/** Render one raster to `path` with a progress bar on a TTY (not under --json). */
export async function writeHeatmap(
  path: string,
  raster: Raster,
  options: HeatmapOptions,
  json: boolean,
): Promise<HeatmapLayout> {
  const { renderHeatmapWithLayout } = await import("../../render/heatmap.js");
  const { createProgress } = await import("../../render/progress.js");
  const progress = createProgress(`heatmap ${path}`, { json });
  try {
    const { png, layout } = renderHeatmapWithLayout(raster, {
      ...options,
      onProgress: (f) => progress.update(f),
    });
    writeFileAtomic(path, png);
    return layout;
  } finally {
    progress.stop();
  }
}

/**
 * `simulate --heatmap/--coag-heatmap`: write the heatmaps of a finished simulation (the one
 * call simulate makes). The coagulation map needs `keepCoag`, the depth map `keepDepth`.
 */
export async function writeSimulationHeatmaps(
  run: { sim: { depth?: Raster; coag?: Raster }; plan: ResolvedPlan; area: Area },
  opts: HeatmapCliOptions,
): Promise<void> {
  const depthPath = opts.heatmap as string | undefined;
  const coagPath = opts.coagHeatmap as string | undefined;
  if (depthPath === undefined && coagPath === undefined) return;
  const { planTitle } = await import("../../render/title.js");
  const base: HeatmapOptions = {
    ...heatmapOptionsFromCli(opts, planTitle(run.plan)),
    outline: run.area.outline(),
    outlineClosed: run.area.outlineClosed,
  };
  const json = opts.json === true;
  if (depthPath !== undefined) {
    if (!run.sim.depth) throw new Error("the depth raster was not kept for --heatmap");
    await writeHeatmap(depthPath, run.sim.depth, { ...base, label: "Depth" }, json);
  }
  if (coagPath !== undefined) {
    if (!run.sim.coag) throw new Error("the coagulation raster was not kept for --coag-heatmap");
    await writeHeatmap(coagPath, run.sim.coag, { ...base, label: "Coagulation" }, json);
  }
}

/** Add `--preview f.png` and `--preview-jumps n` to `scan`. */
export function addPreviewOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        "--preview <file.png>",
        "write a picture of the scan: spots coloured by firing time, stamps, the first jumps",
      ).argParser(pngPath("--preview")),
    )
    .addOption(
      new Option(
        "--preview-jumps <n>",
        `jumps of the path drawn (default ${DEFAULT_PREVIEW_JUMPS})`,
      ).argParser((v) => {
        const n = parseNumberFlag("preview-jumps", v, true);
        if (n < 0) throw new PlanError("--preview-jumps", v, "allowed: a whole number ≥ 0");
        return n;
      }),
    );
}

/** `scan --preview`: draw the scan (the one call scan makes; does nothing without --preview). */
export async function writeScanPreview(
  plan: ResolvedPlan,
  area: Area,
  scan: PreviewScan,
  opts: { preview?: unknown; previewJumps?: unknown; [other: string]: unknown },
): Promise<void> {
  const path = opts.preview as string | undefined;
  if (path === undefined) return;
  const { renderPreview } = await import("../../render/preview.js");
  const { planTitle } = await import("../../render/title.js");
  const png = renderPreview(scan, {
    spotUm: plan.spot.diameterUm,
    fieldMm: plan.scanner.fieldMm,
    boundsMm: area,
    outline: area.outline(),
    outlineClosed: area.outlineClosed,
    title: planTitle(plan),
    jumps: opts.previewJumps as number | undefined,
  });
  writeFileAtomic(path, png);
}

/** Read a depth map file (.npy float32/64 or 16-bit .png with umPerCount). */
export async function readMap(
  path: string,
  pixelUm: number,
  originMm: readonly [number, number],
  level = 0,
): Promise<Raster> {
  const ext = extname(path).toLowerCase();
  // An OME-Zarr map carries its own pixel size and origin.
  if (ext === ".zarr") return (await import("../../io/zarr.js")).readOmeZarr(path, level);
  if (ext === ".npy") return (await import("../../io/npy.js")).readNpy(path, pixelUm, originMm);
  if (ext === ".png") return (await import("../../io/png16.js")).readDepthPng(path, pixelUm, originMm).raster;
  throw new PlanError("<depth>", path, "allowed: a .npy, .png or .zarr depth map (from simulate --depth)");
}

/** Options of `render` as commander parses them. */
interface RenderCliOptions extends HeatmapCliOptions {
  heatmap: string;
  plan?: string;
  pixelUm?: number;
  coag?: boolean;
  level?: number;
}

/** Register `render`. */
export function register(program: Command): void {
  const cmd = program
    .command("render")
    .description("render a depth map (.npy or 16-bit .png from simulate) as a heatmap PNG (SPEC §5)")
    .argument("<depth>", "depth map: .npy (float32), .png (16-bit, umPerCount) or .zarr (OME-Zarr)")
    .addOption(
      new Option("--heatmap <file.png>", "output heatmap (PNG)")
        .makeOptionMandatory()
        .argParser(pngPath("--heatmap")),
    )
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
  cmd.action(async (input: string, opts: RenderCliOptions) => {
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
