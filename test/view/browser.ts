/**
 * A real headless browser for the view tests: Debian's chromium-headless-shell (or another
 * Chromium found on the machine) driven by playwright-core. Nothing is downloaded; when no
 * browser is installed the tests skip and say how to get one (scripts/install-browser.sh).
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

/** Where Chromium builds live on Debian and elsewhere (first found wins; LASERSCAN_CHROMIUM overrides). */
export const BROWSER_PATHS = [
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium-headless-shell",
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The browser executable to use, or undefined when none is installed. */
export function findBrowser(): string | undefined {
  const env = process.env.LASERSCAN_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  return BROWSER_PATHS.find((p) => existsSync(p));
}

/** Why browser tests are skipped, for the test name. */
export const NO_BROWSER =
  "no headless Chromium found (run scripts/install-browser.sh as root, or set LASERSCAN_CHROMIUM)";

/** Launch headless Chromium with no sandbox (CI runs as root), no GPU and no background traffic. */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}
