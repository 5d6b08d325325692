/**
 * Spots coloured by the bulk temperature rise they meet when they fire (a scan file's
 * `tempRiseC`, docs/bulk-heating.md) in the view page: the data carried, and in a real headless
 * Chromium the colour each spot is drawn with against its ΔT, read back through the inferno
 * table computed here. A page without `tempRiseC` offers no such colouring. `view <plan>
 * --bulk-rise` computes the rise as `scan --heat --bulk-rise` does, and the report panel shows its
 * max / p95 / mean and the count of spots above the warning level.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildViewPage } from "../../src/cli/commands/view.js";
import type { Raster } from "../../src/dose/raster.js";
import { PlanError } from "../../src/errors.js";
import { readScanFile } from "../../src/io/scanfile.js";
import { colormapLut } from "../../src/render/colormap.js";
import { buildViewData, unpack, withBulkRiseRows } from "../../src/view/build.js";
import { type LaserscanView, VIEW_DATA_ID, type ViewData } from "../../src/view/data.js";
import { co2RiseByHand, twoCo2Spots } from "../helpers/bulk-rise.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { findBrowser, launchBrowser, NO_BROWSER } from "./browser.js";

/** The page's global, as the functions handed to page.evaluate see it. */
declare const window: {
  laserscanView?: LaserscanView;
  devicePixelRatio: number;
  requestAnimationFrame(f: () => void): number;
};
declare const document: { getElementById(id: string): unknown };

const exe = findBrowser();
if (!exe) console.warn(`view bulk-rise tests skipped: ${NO_BROWSER}`);

/** Raster pixel of the simulated maps (coarse: these tests are about the spots). */
const PIX = 20;
let dir: string;
const out = (f: string) => join(dir, f);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laserscan-view-rise-"));
  const run = (args: string[]) => {
    const r = runCli(args, dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  };
  // The default plan at 30 % coverage in spread order: hot and cool spots side by side
  // (docs/bulk-heating.md, "Orders compared in kelvin": max ≈ 10 K, p95 ≈ 4 K).
  run([
    "scan",
    "fractional-co2-demo",
    "--coverage",
    "0.3",
    "--order",
    "spread",
    "--pixel-um",
    String(PIX),
    "--heat",
    "--bulk-rise",
    "-o",
    "rise.json",
  ]);
  run([
    "scan",
    "fractional-co2-demo",
    "--coverage",
    "0.3",
    "--pixel-um",
    String(PIX),
    "--heat",
    "-o",
    "plain.json",
  ]);
  run(["view", "rise.json", "-o", "rise.html"]);
  run(["view", "plain.json", "-o", "plain.html"]);
  // The same plan straight to the page, the rise computed by view; and with a lower warning level.
  const plan = ["fractional-co2-demo", "--coverage", "0.3", "--order", "spread", "--pixel-um", String(PIX)];
  run(["view", ...plan, "--bulk-rise", "-o", "plan-rise.html"]);
  run(["view", ...plan, "--max-bulk-rise-c", "3.5", "-o", "plan-rise-3.5.html"]);
}, 240_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The `tempRiseC` column of a scan file, read here as plain JSON. */
function fileRise(path: string): number[] {
  return JSON.parse(readFileSync(path, "utf8")).spots.tempRiseC;
}

describe("the data a page carries", () => {
  it("reads a scan file's tempRiseC and embeds it (float32) with its maximum", () => {
    const want = fileRise(out("rise.json"));
    const file = readScanFile(out("rise.json"));
    expect(Array.from(file.tempRiseC as Float64Array)).toEqual(want);
    expect(readScanFile(out("plain.json")).tempRiseC).toBeUndefined();
    const data = buildViewData({
      plan: file.plan,
      area: file.area,
      scan: { ...file.scan, tempRiseC: file.tempRiseC },
      depth: blankMap(),
      source: "test",
    });
    const got = unpack(data.spots.tempRiseC as NonNullable<typeof data.spots.tempRiseC>);
    expect(Array.from(got)).toEqual(want.map((v) => Math.fround(v)));
    expect(data.spots.tempRiseMaxC).toBe(Math.fround(Math.max(...want)));
    // Hot and cool spots both present (the spread order at 30 %): the colouring has a range to show.
    expect(Math.max(...want)).toBeGreaterThan(5);
    expect(Math.min(...want)).toBeLessThan(0.5);
  });

  it("a plan without tempRiseC embeds none: the data is the same as before", () => {
    const file = readScanFile(out("plain.json"));
    const data = buildViewData({
      plan: file.plan,
      area: file.area,
      scan: file.scan,
      depth: blankMap(),
      source: "test",
    });
    expect("tempRiseC" in data.spots).toBe(false);
    expect("tempRiseMaxC" in data.spots).toBe(false);
  });

  it("refuses a negative or missing ΔT in the column, naming it", () => {
    const doc = JSON.parse(readFileSync(out("rise.json"), "utf8"));
    doc.spots.tempRiseC[7] = -1;
    writeFileSync(out("bad.json"), JSON.stringify(doc));
    expect(() => readScanFile(out("bad.json"))).toThrow(PlanError);
    expect(() => readScanFile(out("bad.json"))).toThrow(/spots\.tempRiseC\[7\]/);
    doc.spots.tempRiseC.pop();
    writeFileSync(out("bad.json"), JSON.stringify(doc));
    expect(() => readScanFile(out("bad.json"))).toThrow(/spots\.tempRiseC/);
    const r = runCli(["view", "bad.json", "-o", "bad.html"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/spots\.tempRiseC/);
  });
});

/** The data embedded in a page's HTML. */
function htmlData(html: string): ViewData {
  const m = new RegExp(`<script type="application/json" id="${VIEW_DATA_ID}">(.*?)</script>`, "s").exec(html);
  if (!m) throw new Error("no page data");
  return JSON.parse(m[1]) as ViewData;
}

/** The data embedded in a page written by `view`. */
const pageData = (path: string): ViewData => htmlData(readFileSync(path, "utf8"));

/** Max, 95th percentile (nearest rank), mean of a list, and how many exceed `level`: by hand. */
function riseStats(v: number[], level: number) {
  const sorted = [...v].sort((a, b) => a - b);
  return {
    max: sorted[sorted.length - 1],
    p95: sorted[Math.ceil(0.95 * sorted.length) - 1],
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    over: v.filter((x) => x > level).length,
  };
}

/** The report rows a page shows for a bulk rise list at `level`, K, as the report table prints them. */
function wantRows(v: number[], level: number): [string, string][] {
  const s = riseStats(v, level);
  return [
    ["bulk rise max / p95 / mean", `${s.max.toFixed(2)} / ${s.p95.toFixed(2)} / ${s.mean.toFixed(2)} K`],
    [`bulk rise above ${level} K`, `${s.over} of ${v.length} spots`],
  ];
}

describe("view <plan> --bulk-rise", () => {
  it("embeds the rise scan --heat --bulk-rise writes for the same plan (float32), with its maximum", () => {
    const want = fileRise(out("rise.json"));
    const data = pageData(out("plan-rise.html"));
    const got = unpack(data.spots.tempRiseC as NonNullable<typeof data.spots.tempRiseC>);
    expect(got.length).toBe(want.length);
    expect(Array.from(got)).toEqual(want.map((v) => Math.fround(v)));
    expect(data.spots.tempRiseMaxC).toBe(Math.fround(Math.max(...want)));
    // The page of the scan file carries the same colouring data.
    const fromFile = pageData(out("rise.html"));
    expect(fromFile.spots.tempRiseC?.b64).toBe(data.spots.tempRiseC?.b64);
  });

  it("the report rows: max / p95 / mean in K and the count above the warning level (10 K, or --max-bulk-rise-c)", () => {
    const rise = fileRise(out("rise.json"));
    const at = (rows: [string, string][]) => rows.findIndex(([k]) => k === "bulk rise max / p95 / mean");
    for (const [file, level] of [
      ["plan-rise.html", 10],
      ["rise.html", 10],
      ["plan-rise-3.5.html", 3.5],
    ] as const) {
      const rows = pageData(out(file)).report;
      const i = at(rows);
      expect(i, file).toBeGreaterThan(0);
      expect(rows[i - 1][0]).toBe("heat index max / p95 / mean");
      expect(rows.slice(i, i + 2), file).toEqual(wantRows(rise, level));
    }
    // At 3.5 K a good share of the spots is over (p95 ≈ 4 K), and the report's warning says how many.
    const over = riseStats(rise, 3.5).over;
    expect(over).toBeGreaterThan(rise.length * 0.05);
    expect(pageData(out("plan-rise-3.5.html")).warnings.join("\n")).toContain(
      `${over} of ${rise.length} spots meet a bulk temperature rise above 3.5 K`,
    );
    // Without the rise, no bulk-rise row.
    expect(pageData(out("plain.html")).report.some(([k]) => k.startsWith("bulk rise"))).toBe(false);
  });

  it("a plan's page without --bulk-rise carries no rise; bad --max-bulk-rise-c values exit 2 with one line", () => {
    const plain = join(dir, "plan-plain.html");
    const p = ["view", "fractional-co2-demo", "--coverage", "0.05", "--pixel-um", "40", "-o"];
    expect(runCli([...p, plain], dir).code).toBe(0);
    expect("tempRiseC" in pageData(plain).spots).toBe(false);
    for (const bad of ["0", "-2", "abc", ""]) {
      const r = runCli([...p, join(dir, "bad.html"), "--max-bulk-rise-c", bad], dir);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split("\n"), bad).toHaveLength(1);
      expect(r.stderr).toContain("--max-bulk-rise-c");
      expect(r.stderr).toContain("allowed: a temperature rise in K > 0");
    }
  });
});

describe("buildViewPage({ bulkRise })", () => {
  it("two spots: the second meets the closed-form rise of the first within 1 %, the first none", async () => {
    // Two 120 µm CO2 spots 100 µm apart at 10 mJ, fired one after the other.
    const plan = join(dir, "two.json");
    writeFileSync(plan, JSON.stringify(twoCo2Spots("two-spots")));
    const data = htmlData((await buildViewPage(plan, { bulkRise: true, threads: 1 })).html);
    const rise = unpack(data.spots.tempRiseC as NonNullable<typeof data.spots.tempRiseC>);
    const x = unpack(data.spots.xMm);
    const y = unpack(data.spots.yMm);
    const t = unpack(data.spots.tMs);
    expect(rise.length).toBe(2);
    // By hand: Q = Fth·(πw²/2)·(1 + ln(F0/Fth)), Fth = 5 J/cm², w = 60 µm; s0 = w²/2; L = the
    // total coagulated depth at 10 mJ on the preset's published table (80 mJ → 720 µm, 160 mJ →
    // 1000 µm, power law); κ = 0.13 mm²/s, ρc = 3.7 J/(cm³·K).
    const want = co2RiseByHand(Math.hypot(x[1] - x[0], y[1] - y[0]), (t[1] - t[0]) / 1000);
    expect(want).toBeGreaterThan(0.5);
    expect(rise[0]).toBe(0);
    expect(Math.abs(rise[1] / want - 1)).toBeLessThan(0.01);
    expect(data.report).toContainEqual(["bulk rise above 10 K", "0 of 2 spots"]);
    // Without it, the page has no rise.
    const plain = htmlData((await buildViewPage(plan, { threads: 1 })).html);
    expect("tempRiseC" in plain.spots).toBe(false);
    expect(plain.report.some(([k]) => k.startsWith("bulk rise"))).toBe(false);
  });
});

describe("withBulkRiseRows", () => {
  const rise = Array.from({ length: 20 }, (_, i) => i); // 0..19 K: max 19, p95 (19th of 20) 18, mean 9.5
  it("adds max / p95 / mean after the heat index row, and the count above the level", () => {
    const rows: [string, string][] = [
      ["spots", "20"],
      ["heat index max / p95 / mean", "1 / 1 / 1"],
      ["path length", "1 mm"],
    ];
    expect(withBulkRiseRows(rows, rise, 10)).toEqual([
      ["spots", "20"],
      ["heat index max / p95 / mean", "1 / 1 / 1"],
      ["bulk rise max / p95 / mean", "19.00 / 18.00 / 9.50 K"],
      ["bulk rise above 10 K", "9 of 20 spots"],
      ["path length", "1 mm"],
    ]);
    expect(rows).toHaveLength(3); // the rows given are left as they were
  });

  it("keeps a report's own max / p95 / mean row and adds the count after it; 0 spots over is shown too", () => {
    const rows: [string, string][] = [
      ["bulk rise max / p95 / mean", "as reported"],
      ["stamps", "1"],
    ];
    expect(withBulkRiseRows(rows, rise, 19)).toEqual([
      ["bulk rise max / p95 / mean", "as reported"],
      ["bulk rise above 19 K", "0 of 20 spots"],
      ["stamps", "1"],
    ]);
  });
});

/** A blank 20 × 20 mm map (the data tests need a raster, not its values). */
function blankMap(): Raster {
  const w = 20_000 / PIX;
  return { data: new Float32Array(w * w), width: w, height: w, pixelUm: PIX, originMm: [0, 0] };
}

/** The inferno entry nearest an RGB colour: its position 0..1 on the scale. */
function infernoPosition(rgb: [number, number, number]): number {
  const lut = colormapLut("inferno");
  let best = 0;
  let bd = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 256; k++) {
    const d = (lut[4 * k] - rgb[0]) ** 2 + (lut[4 * k + 1] - rgb[1]) ** 2 + (lut[4 * k + 2] - rgb[2]) ** 2;
    if (d < bd) {
      bd = d;
      best = k;
    }
  }
  return best / 255;
}

describe.skipIf(!exe)(
  `bulk-rise colouring in headless Chromium${exe ? "" : ` (skipped: ${NO_BROWSER})`}`,
  () => {
    let browser: Browser;
    const shots = join(ROOT, "out", "test-view");
    const errors: string[] = [];
    const requests: string[] = [];

    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      browser = await launchBrowser(exe as string);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    async function open(file: string): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1150 } });
      const url = pathToFileURL(file).href;
      page.on("request", (r) => {
        if (r.url() !== url) requests.push(r.url());
      });
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction(() => window.laserscanView !== undefined, undefined, { timeout: 60_000 });
      return page;
    }

    it("colours every spot by its ΔT at firing: the drawn colour reads back as its ΔT within one colour step", async () => {
      const page = await open(out("rise.html"));
      const rise = fileRise(out("rise.json"));
      const scan = JSON.parse(readFileSync(out("rise.json"), "utf8"));
      const n = rise.length;
      expect(await page.evaluate(() => window.laserscanView?.spotColorings)).toEqual([
        "time",
        "heat",
        "tempRise",
      ]);
      const max = Math.fround(Math.max(...rise));
      expect(await page.evaluate(() => window.laserscanView?.maxTempRiseC)).toBe(max);
      const pageRise = await page.evaluate((count) => {
        const out: number[] = [];
        for (let i = 0; i < count; i++) out.push(window.laserscanView?.tempRiseCAt(i) ?? Number.NaN);
        return out;
      }, n);
      expect(pageRise).toEqual(rise.map((v) => Math.fround(v)));
      expect(await page.locator("#spotcolor option[value=tempRise]").textContent()).toMatch(/ΔT.*K/);

      await page.selectOption("#spotcolor", "tempRise");
      await page.evaluate(() => window.laserscanView?.setTimeMs(window.laserscanView.treatmentMs));
      // Spots to check: the coolest, the hottest and every 23rd, away from the first section's line
      // (drawn over the spots along the row nearest the centre).
      let hot = 0;
      let cool = 0;
      for (let i = 0; i < n; i++) {
        if (rise[i] > rise[hot]) hot = i;
        if (rise[i] < rise[cool]) cool = i;
      }
      const nearCentreRow = (i: number) => Math.abs(scan.spots.yMm[i] - 10) < 0.8;
      const picks = [hot, cool];
      for (let i = 0; i < n; i += 23) picks.push(i);
      const checked = picks.filter((i) => !nearCentreRow(i));
      expect(checked).toContain(hot);
      const pts = checked.map((i) => [i, scan.spots.xMm[i], scan.spots.yMm[i]] as [number, number, number]);
      const drawn = await page.evaluate(async (list) => {
        const v = window.laserscanView as LaserscanView;
        await new Promise<void>((r) =>
          window.requestAnimationFrame(() => window.requestAnimationFrame(() => r())),
        );
        const canvas = document.getElementById("map") as {
          getContext(k: "2d"): {
            getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
          };
        };
        const c = canvas.getContext("2d");
        const dpr = Math.max(1, window.devicePixelRatio || 1);
        return list.map(([i, x, y]) => {
          const [sx, sy] = v.mmToCanvas(x, y);
          const d = c.getImageData(Math.floor(sx * dpr), Math.floor(sy * dpr), 1, 1).data;
          return { api: v.spotColorAt(i), px: [d[0], d[1], d[2]] as [number, number, number] };
        });
      }, pts);
      // One colour step: the 64 bins the page draws with, and the table's 256 entries.
      const tol = max / 64 + max / 255 + 1e-9;
      let spanLo = 1;
      let spanHi = 0;
      for (let k = 0; k < checked.length; k++) {
        const i = checked[k];
        expect(drawn[k].api).toBe(`rgb(${drawn[k].px.join(",")})`);
        const pos = infernoPosition(drawn[k].px);
        spanLo = Math.min(spanLo, pos);
        spanHi = Math.max(spanHi, pos);
        expect(
          Math.abs(pos * max - rise[i]),
          `spot ${i}: ΔT ${rise[i]} K, drawn as ${pos * max} K`,
        ).toBeLessThanOrEqual(tol);
      }
      // The scale is used end to end: the hottest spot near the top, the coolest near the bottom.
      expect(spanHi).toBeGreaterThan(0.97);
      expect(spanLo).toBeLessThan(0.05);
      await page.screenshot({ path: join(shots, "page-bulk-rise.png"), fullPage: true });
      const box = await page.locator("#map").boundingBox();
      if (!box) throw new Error("no map canvas");
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.wheel(0, -1200);
      await page.waitForTimeout(100);
      await page.screenshot({
        path: join(shots, "page-bulk-rise-zoom.png"),
        clip: { x: 0, y: 0, width: 1400, height: 950 },
      });

      // Back to the firing time: the colours follow time, not ΔT (the check above can fail).
      expect(await page.evaluate(() => window.laserscanView?.setSpotColoring("time"))).toBe("time");
      const t = scan.spots.tMs as number[];
      const total = scan.stats.treatmentMs as number;
      const timeLut = colormapLut("turbo");
      const css = await page.evaluate((i) => window.laserscanView?.spotColorAt(i), hot);
      const b = Math.min(63, Math.floor((t[hot] / total) * 64));
      const k = Math.round(((b + 0.5) / 64) * 255) * 4;
      expect(css).toBe(`rgb(${timeLut[k]},${timeLut[k + 1]},${timeLut[k + 2]})`);
    });

    it("the report panel shows the rise's max / p95 / mean in K and the spots above the warning level", async () => {
      const rise = fileRise(out("rise.json"));
      /** The report table's rows as the page shows them (label, value), and its warnings' text. */
      const panel = async (page: Page) => ({
        rows: await page
          .locator("#report tr")
          .evaluateAll((trs) =>
            trs.map((tr) =>
              Array.from(
                (tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children,
                (td) => String(td.textContent),
              ),
            ),
          ),
        warnings: String(await page.locator("#warnings").textContent()),
      });
      for (const [file, level] of [
        ["plan-rise.html", 10],
        ["rise.html", 10],
        ["plan-rise-3.5.html", 3.5],
      ] as const) {
        const page = await open(out(file));
        const { rows, warnings } = await panel(page);
        const s = riseStats(rise, level);
        const i = rows.findIndex(([k]) => k === "bulk rise max / p95 / mean");
        expect(rows[i - 1]?.[0], file).toBe("heat index max / p95 / mean");
        expect(rows[i], file).toEqual([
          "bulk rise max / p95 / mean",
          `${s.max.toFixed(2)} / ${s.p95.toFixed(2)} / ${s.mean.toFixed(2)} K`,
        ]);
        expect(rows[i + 1], file).toEqual([
          `bulk rise above ${level} K`,
          `${s.over} of ${rise.length} spots`,
        ]);
        expect(s.over, file).toBeGreaterThan(0);
        expect(warnings.replace(/\s+/g, " "), file).toContain(
          `${s.over} of ${rise.length} spots meet a bulk temperature rise above ${level} K`,
        );
        if (file === "plan-rise.html") {
          // The plan's own page colours by the rise it computed: the scan file's, as float32.
          expect(await page.evaluate(() => window.laserscanView?.spotColorings)).toContain("tempRise");
          expect(await page.evaluate(() => window.laserscanView?.tempRiseCAt(0))).toBe(Math.fround(rise[0]));
          const hot = rise.indexOf(Math.max(...rise));
          expect(await page.evaluate((i) => window.laserscanView?.tempRiseCAt(i), hot)).toBe(
            Math.fround(rise[hot]),
          );
          await page.selectOption("#spotcolor", "tempRise");
          await page.evaluate(() => window.laserscanView?.setTimeMs(window.laserscanView.treatmentMs));
          await page.screenshot({ path: join(shots, "page-plan-bulk-rise.png"), fullPage: true });
        }
        await page.close();
      }
      const plain = await open(out("plain.html"));
      const { rows } = await panel(plain);
      expect(rows.length).toBeGreaterThan(5);
      expect(rows.some(([k]) => k.startsWith("bulk rise"))).toBe(false);
      await plain.close();
    });

    it("a page without tempRiseC offers firing time and heat index only, and works as before", async () => {
      const page = await open(out("plain.html"));
      expect(await page.evaluate(() => window.laserscanView?.spotColorings)).toEqual(["time", "heat"]);
      expect(await page.locator("#spotcolor option").count()).toBe(2);
      expect(await page.evaluate(() => window.laserscanView?.maxTempRiseC)).toBeNaN();
      expect(await page.evaluate(() => window.laserscanView?.tempRiseCAt(0))).toBeNaN();
      // Asking for it falls back to the firing time.
      expect(await page.evaluate(() => window.laserscanView?.setSpotColoring("tempRise"))).toBe("time");
      expect(await page.evaluate(() => window.laserscanView?.setSpotColoring("heat"))).toBe("heat");
      const n = JSON.parse(readFileSync(out("plain.json"), "utf8")).spots.xMm.length;
      expect(await page.evaluate(() => window.laserscanView?.spotCount)).toBe(n);
    });

    it("made no request and logged no console error", () => {
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);
