/**
 * The picture flags several commands share: the heatmap style (`--colormap`, `--max`, `--title`,
 * `--width`, `--reduce`, `--contours`), `simulate --heatmap/--coag-heatmap` and
 * `scan --preview`. Values are checked while the command line is parsed, so a bad flag fails
 * before any long simulation starts.
 */
import { extname } from "node:path";
import { type Command, Option } from "commander";
import { PlanError } from "../errors.js";
import { checkWritable } from "../io/atomic.js";
import type { HeatmapOptions } from "../render/heatmap.js";
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
} from "../render/options.js";
import { parseNumberFlag } from "./options.js";

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
export function pngPath(flag: string): (value: string) => string {
  return (value: string) => {
    if (value === "-") checkWritable(value, flag); // refused: a binary output
    if (extname(value).toLowerCase() !== ".png")
      throw new PlanError(flag, value, "allowed: a file ending in .png");
    checkWritable(value, flag);
    return value;
  };
}

/** A parser for a flag that takes a number > 0. */
export function positiveNumber(flag: string): (value: string) => number {
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
