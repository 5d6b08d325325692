/**
 * The one font every picture uses: DejaVu Sans (regular and bold) from the dejavu-fonts-ttf
 * package, registered with pureimage once per process. Text is rasterized from the TrueType
 * outlines (no hand-drawn glyphs), so labels read the same on every machine.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { registerFont } from "pureimage";

/** Family names to put in `ctx.font` ("14px " + FONT_FAMILY). */
export const FONT_FAMILY = "DejaVuSans";
export const FONT_FAMILY_BOLD = "DejaVuSansBold";

let loaded = false;

/** Folder of the TrueType files shipped by dejavu-fonts-ttf. */
export function fontDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
}

/** Load and register the fonts (synchronous, idempotent). Call before drawing text. */
export function ensureFonts(): void {
  if (loaded) return;
  const dir = fontDir();
  registerFont(join(dir, "DejaVuSans.ttf"), FONT_FAMILY).loadSync();
  registerFont(join(dir, "DejaVuSans-Bold.ttf"), FONT_FAMILY_BOLD).loadSync();
  loaded = true;
}

/** A `ctx.font` string for DejaVu Sans at `sizePx` (bold when asked). */
export function font(sizePx: number, bold = false): string {
  return `${sizePx}px ${bold ? FONT_FAMILY_BOLD : FONT_FAMILY}`;
}
