/**
 * Progress bar for long work: cli-progress on stderr when stderr is a terminal,
 * nothing on a pipe or under `--json`. The bar appears only once the work has run for a
 * while, so quick runs print nothing at all.
 */
import cliProgress from "cli-progress";

/** Work shorter than this never shows a bar, ms. */
export const PROGRESS_DELAY_MS = 400;

/** A progress sink: `update(fraction)` with 0..1, `stop()` when done (idempotent). */
export interface Progress {
  update(fraction: number): void;
  stop(): void;
}

/** A progress sink that does nothing. */
export const SILENT: Progress = { update() {}, stop() {} };

/** Should a bar be shown? Only on a terminal, never under --json. */
export function progressWanted(json: boolean, stream: NodeJS.WriteStream = process.stderr): boolean {
  return !json && stream.isTTY === true;
}

/**
 * A progress bar labelled `label` on `stream` (default stderr), or {@link SILENT} when not
 * wanted (pipe, --json). The bar starts after {@link PROGRESS_DELAY_MS} of work.
 */
export function createProgress(
  label: string,
  opts: { json?: boolean; stream?: NodeJS.WriteStream } = {},
): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!progressWanted(opts.json === true, stream)) return SILENT;
  const start = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let done = false;
  return {
    update(fraction: number) {
      if (done) return;
      const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      if (!bar) {
        if (Date.now() - start < PROGRESS_DELAY_MS) return;
        bar = new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {duration_formatted} | ETA {eta_formatted}`,
            stream,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 30,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, pct);
      } else bar.update(pct);
    },
    stop() {
      if (done) return;
      done = true;
      bar?.stop();
    },
  };
}
