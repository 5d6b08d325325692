/**
 * A plain command list for a point-and-shoot galvo controller (docs/formats.md). A driver
 * translates it line by line; replaying it with the header's speeds reproduces the scan's
 * `tMs` (docs/model.md). The format is documented in the file's own header:
 *
 * ```
 * # laserscan galvo list 1
 * # ... header lines: units, field, speeds, delays, counts ...
 * stamp 0 10.0000 10.0000     move the field centre to (x, y) mm, area coordinates
 * jump -3.2500 1.1000         beam to (x, y) relative to the field centre (mm, or bits)
 * wait 412.500                idle, µs (stamp move, or waiting for the laser's rep rate)
 * fire 1 500                  fire n pulses of pulseUs µs at the rep rate
 * pass 1                      (multi-pass plans) the next pass begins
 * aim -3.25 1.1               (aiming beam) pilot beam to (x, y), same frame as jump (mm: 6 decimals), at the aim speed
 * ```
 */
import { PlanError } from "../errors.js";
import type { ResolvedPlan } from "../plan/schema.js";
import type { Scan } from "../sequence/index.js";

export const GALVO_FORMAT_VERSION = 1;
/** Centre code of a 16-bit scanner axis. */
const CENTRE_BITS = 0x8000;
/** Largest offset from the centre code that fits 16 bits. */
const MAX_OFFSET_BITS = 0x7fff;
/** Lines per string chunk handed to the writer. */
const LINES_PER_CHUNK = 65536;

/** Trim a fixed-decimals number ("412.500" → "412.5", "-0.000" → "0"). */
function fixed(v: number, decimals: number): string {
  let s = v.toFixed(decimals);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/**
 * The galvo list as text chunks. `bitsPerMm` switches `jump` coordinates from mm (4 decimals)
 * to 16-bit scanner units centred at 0x8000.
 */
export function galvoListChunks(plan: ResolvedPlan, scan: Scan, bitsPerMm?: number): string[] {
  const sc = plan.scanner;
  const halfField = Math.max(sc.fieldMm[0], sc.fieldMm[1]) / 2;
  if (bitsPerMm !== undefined) {
    const most = MAX_OFFSET_BITS / halfField;
    if (!(bitsPerMm > 0) || bitsPerMm > most)
      throw new PlanError(
        "--bits-per-mm",
        bitsPerMm,
        `allowed: a number > 0 and ≤ ${+most.toFixed(3)}, so half the ${halfField * 2} mm field fits 16 bits`,
      );
  }
  const periodUs = 1e6 / sc.repRateHz;
  const head = [
    `# laserscan galvo list ${GALVO_FORMAT_VERSION}`,
    "# Output of an engineering and research tool, not a medical device program.",
    `# plan: ${plan.name}`,
    bitsPerMm === undefined
      ? "# positions: jump x y in mm (4 decimals) relative to the current field centre, x right, y up"
      : `# positions: jump x y in 16-bit scanner units, ${CENTRE_BITS} (0x8000) = field centre, ${bitsPerMm} units per mm, x right, y up`,
    "# stamp i x y: move the field centre (handpiece or stage) to (x, y) mm in area coordinates",
    "# times: µs; wait us = idle (stamp move, or the laser's rep-rate limit); fire n us = n pulses of us µs at the rep rate",
    "# a jump takes distance / jump-speed + jump-delay; the beam starts each stamp at the field centre",
    `# field-mm: ${sc.fieldMm[0]} ${sc.fieldMm[1]}`,
    `# jump-speed-mm-s: ${sc.jumpSpeedMmS}`,
    `# jump-delay-us: ${sc.jumpDelayUs}`,
    `# pulse-us: ${sc.pulseUs}`,
    `# rep-rate-hz: ${sc.repRateHz}`,
    `# stamp-move-ms: ${sc.stampMoveMs}`,
    `# spots: ${scan.xMm.length}`,
    `# stamps: ${scan.stamps.length}`,
    `# treatment-ms: ${fixed(scan.treatmentMs, 6)}`,
  ];
  const multi = (scan.passes?.length ?? 1) > 1;
  const aim = sc.aim !== undefined && scan.aimPath !== undefined ? scan.aimPath : undefined;
  const aimSpeed = sc.aim?.speedMmS ?? sc.jumpSpeedMmS;
  const passGapMs = sc.passGapMs ?? 0;
  if (multi)
    head.push(
      `# passes: ${scan.passes?.length}`,
      `# pass-gap-ms: ${passGapMs}`,
      "# pass k: the next pass begins; before it the head waits pass-gap-ms, plus stamp-move-ms when the field centre changes",
    );
  if (aim)
    head.push(
      `# aim-speed-mm-s: ${aimSpeed}`,
      `# aim-loops: ${sc.aim?.loops}`,
      `# aim-ms: ${fixed(scan.aimMs ?? 0, 6)}`,
      "# aim x y: pilot beam along the area outline inside the field (same frame as jump), distance / aim-speed, before the stamp's first jump",
    );
  const chunks: string[] = [`${head.join("\n")}\n`];
  let lines: string[] = [];
  const flush = (): void => {
    chunks.push(`${lines.join("\n")}\n`);
    lines = [];
  };
  const msPerMm = 1000 / sc.jumpSpeedMmS;
  const periodMs = periodUs / 1000;
  const n = scan.xMm.length;
  let current = -1;
  let cx = 0;
  let cy = 0;
  // The controller's view: beam offset from the field centre as printed (rounded), mm, and its
  // clock. Waits are computed against it, so a replay of the list lands on `tMs` without drift.
  let bx = 0;
  let by = 0;
  let end = 0;
  let lastPulse = Number.NEGATIVE_INFINITY;
  let currentPass = -1;
  const aimMsPerMm = 1000 / aimSpeed;
  for (let i = 0; i < n; i++) {
    const s = scan.stamp[i];
    if (s !== current) {
      const [nx, ny] = scan.stamps[s].centreMm;
      const k = scan.pass?.[i] ?? 0;
      if (multi && k !== currentPass) {
        lines.push(`pass ${k}`);
        if (current >= 0) {
          const moved = nx !== cx || ny !== cy;
          const gap = passGapMs + (moved ? sc.stampMoveMs : 0);
          if (gap > 0) lines.push(`wait ${fixed(gap * 1000, 3)}`);
          end += gap;
        }
        currentPass = k;
      } else if (current >= 0) {
        lines.push(`wait ${fixed(sc.stampMoveMs * 1000, 3)}`);
        end += sc.stampMoveMs;
      }
      current = s;
      [cx, cy] = [nx, ny];
      lines.push(`stamp ${s} ${fixed(cx, 4)} ${fixed(cy, 4)}`);
      bx = 0;
      by = 0;
      const path = aim?.[s];
      if (path) {
        for (let j = 0; j < path.length; j += 2) {
          let ax: number;
          let ay: number;
          if (bitsPerMm === undefined) {
            // Six decimals: hundreds of aim points in a row, so their rounding must not add up.
            const sx = fixed(path[j] - cx, 6);
            const sy = fixed(path[j + 1] - cy, 6);
            lines.push(`aim ${sx} ${sy}`);
            ax = Number(sx);
            ay = Number(sy);
          } else {
            const ux = Math.round((path[j] - cx) * bitsPerMm);
            const uy = Math.round((path[j + 1] - cy) * bitsPerMm);
            lines.push(`aim ${CENTRE_BITS + ux} ${CENTRE_BITS + uy}`);
            ax = ux / bitsPerMm;
            ay = uy / bitsPerMm;
          }
          end += Math.sqrt((ax - bx) ** 2 + (ay - by) ** 2) * aimMsPerMm;
          bx = ax;
          by = ay;
        }
      }
    }
    let nx: number;
    let ny: number;
    if (bitsPerMm === undefined) {
      const sx = fixed(scan.xMm[i] - cx, 4);
      const sy = fixed(scan.yMm[i] - cy, 4);
      lines.push(`jump ${sx} ${sy}`);
      nx = Number(sx);
      ny = Number(sy);
    } else {
      const ux = Math.round((scan.xMm[i] - cx) * bitsPerMm);
      const uy = Math.round((scan.yMm[i] - cy) * bitsPerMm);
      lines.push(`jump ${CENTRE_BITS + ux} ${CENTRE_BITS + uy}`);
      nx = ux / bitsPerMm;
      ny = uy / bitsPerMm;
    }
    const arrive = end + Math.sqrt((nx - bx) ** 2 + (ny - by) ** 2) * msPerMm + sc.jumpDelayUs / 1000;
    const waitUs = Math.round((scan.tMs[i] - arrive) * 1e6) / 1000; // whole ns
    if (waitUs > 0) lines.push(`wait ${fixed(waitUs, 3)}`);
    const fire = Math.max(arrive + Math.max(0, waitUs) / 1000, lastPulse + periodMs);
    lines.push(`fire ${scan.pulses[i]} ${sc.pulseUs}`);
    lastPulse = fire + (scan.pulses[i] - 1) * periodMs;
    end = lastPulse + sc.pulseUs / 1000;
    bx = nx;
    by = ny;
    if (lines.length >= LINES_PER_CHUNK) flush();
  }
  if (lines.length > 0) flush();
  return chunks;
}
