/**
 * Progress of the splat bands (the long part of a simulation) for a progress bar with ETA on a
 * terminal. The kernel calls a global hook for each band it claims; the kernel also runs as
 * source in the workers, where no hook is set, and the band counter is shared, so the fraction
 * the main thread sees covers every thread.
 */
type Hook = (done: number, total: number) => void;
const g = globalThis as { laserscanBandDone?: Hook };

/** Set (or clear) where band progress goes, as a fraction 0..1. */
export function setBandProgress(fn: ((fraction: number) => void) | undefined): void {
  g.laserscanBandDone = fn === undefined ? undefined : (done, total) => fn(Math.min(1, done / total));
}
