/**
 * The one reader of numbers typed on the command line (every numeric flag, `--vary` values,
 * contour lists): plain decimal only, e.g. `12`, `-0.5`, `.25`, `1e-3`. Hexadecimal (`0x10`),
 * binary and octal forms (`0b1`, `0o7`, `010`), `Infinity`, `1e`, `1_000` and anything whose value
 * is not finite (`1e400`) are refused, so a typo is never read as a different number.
 */

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A leading zero followed by a digit reads as octal in some tools: ambiguous, refused. */
const LEADING_ZERO = /^[+-]?0\d/;

/** The finite value of a plain decimal text, or undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t) || LEADING_ZERO.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** What a numeric flag allows, for error messages. */
export const DECIMAL_ALLOWED = "a finite number in decimal (e.g. 12, 0.5, 1e-3; not hex, octal or Infinity)";
