/**
 * User mistakes are one class: {@link PlanError}. The CLI turns it into exit code 2 and one
 * line on stderr in one place (src/cli/run.ts); anything else is a bug (exit 1).
 */

/** Shorten a value for a one-line message: strings quoted, long things cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A mistake in the user's input: names the field, the value given and what is allowed. */
export class PlanError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;

  constructor(field: string, value: unknown, allowed: string) {
    super(
      value === undefined
        ? `${field}: missing; ${allowed}`
        : `${field}: ${describeValue(value)} is not allowed; ${allowed}`,
    );
    this.name = "PlanError";
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

/** Levenshtein distance, for "did you mean" hints on misspelt keys and names. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** The closest candidate to `word` (case-insensitive), or undefined when none is close. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** "one of a | b | c", with a "did you mean" hint when the value is close to one. */
export function oneOf(value: unknown, allowed: readonly string[]): string {
  const hint = typeof value === "string" ? nearest(value, allowed) : undefined;
  return `allowed: one of ${allowed.join(" | ")}${hint ? ` (did you mean "${hint}"?)` : ""}`;
}

/**
 * A failure of the machine, not of the input nor of laserscan: the disk is full, a device
 * refuses a write. The CLI prints its one line and exits 1 without calling it a bug.
 */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}
