/** Build dist/ (the WebAssembly module and the JavaScript) before the tests when a source file is newer than the build. */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Whether `built` exists and is at least as new as everything under `sources`. */
function fresh(built: string, sources: string): boolean {
  return existsSync(built) && statSync(built).mtimeMs >= newest(sources);
}

export default function setup(): void {
  const root = join(import.meta.dirname, "..");
  const run = (script: string): void => {
    execFileSync("npm", ["run", "--silent", script], { cwd: root, stdio: "inherit" });
  };
  if (!fresh(join(root, "dist", "wasm", "kernels.wasm"), join(root, "assembly"))) run("build:wasm");
  if (!fresh(join(root, "dist", "cli", "index.js"), join(root, "src")))
    execFileSync(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: root, stdio: "inherit" },
    );
  if (!fresh(join(root, "dist", "view", "page.js"), join(root, "src", "view"))) run("build:view");
}
