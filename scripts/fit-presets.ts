/**
 * `npm run presets:fit`: regenerate every laser preset (patterns/lasers/<name>.json) from its
 * evidence file (patterns/lasers/data/<name>.csv). See docs/calibration.md.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { regeneratePreset } from "../src/calibrate/presets.js";
import { laserNames, PATTERNS_DIR } from "../src/plan/presets.js";

const dir = join(PATTERNS_DIR, "lasers");
for (const name of laserNames()) {
  const text = regeneratePreset(dir, name);
  writeFileSync(join(dir, `${name}.json`), text);
  process.stdout.write(`${name}: ${JSON.parse(text).uncertaintyPct} %\n`);
}
