#!/usr/bin/env node
/**
 * `laserscan` command line: a thin shell over the library. Each command lives in
 * commands/<name>.ts and exports `register(program)`. Only the command being run is loaded
 * (all of them for help or an unknown command), so `simulate` never loads the renderer or the
 * sweep code.
 */
import { setFlagsFromString } from "node:v8";
import { EXIT_BAD_INPUT, reportError } from "./run.js";

// A CLI run is short and keeps both cores busy (the main thread and a pool worker), so V8's
// background optimizing compiler has no core of its own and hot loops wait for it in slower
// tiers (docs/performance.md). Set before any command module loads, so it holds for every
// isolate, the workers' too. Only a speed setting: if a Node refuses it, run on.
try {
  setFlagsFromString("--no-concurrent-recompilation");
} catch {
  // keep V8's default
}

/** A command module: `register(program, full)`; `full` asks for every option (help text). */
type CommandModule = {
  register(program: import("commander").Command, full?: boolean): void | Promise<void>;
};

/** The commands in help order, each loaded on demand. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  presets: () => import("./commands/presets.js"),
  scan: () => import("./commands/scan.js"),
  simulate: () => import("./commands/simulate.js"),
  render: () => import("./commands/render.js"),
  solve: () => import("./commands/solve.js"),
  sweep: () => import("./commands/sweep.js"),
  validate: () => import("./commands/validate.js"),
  view: () => import("./commands/view.js"),
  calibrate: () => import("./commands/calibrate.js"),
};

const NOT_MEDICAL =
  "laserscan is an engineering and research tool for designing and comparing laser scan patterns.\n" +
  "It is not a medical device and gives no treatment advice.";

/** The command named on the command line (the first word that is not a flag), if any. */
export function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith("-"));
}

/**
 * The commander program with the command named in `argv` registered, or every command when
 * none is named, for help, or for an unknown name (so commander can suggest one).
 */
export async function buildProgram(
  argv: readonly string[] = process.argv,
): Promise<import("commander").Command> {
  const name = commandOf(argv);
  const only = name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
  const help = argv.includes("--help") || argv.includes("-h");
  const [{ Command }, ...modules] = await Promise.all([
    import("commander"),
    ...(only ? [COMMANDS[only]()] : Object.values(COMMANDS).map((load) => load())),
  ]);
  const program = new Command();
  program
    .name("laserscan")
    .description(`Scan patterns for skin-resurfacing lasers and a dose simulator.\n\n${NOT_MEDICAL}`)
    .version("0.1.0")
    .option("--verbose", "print stack traces for bug reports")
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const m of modules) await m.register(program, help || only === undefined);
  return program;
}

async function main(): Promise<void> {
  // Output piped into a reader that stops early (`laserscan validate p | head`): stop quietly,
  // as command-line tools do, instead of an unhandled EPIPE with a stack trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  // simulate splats and sums heat on every core: its worker boots while the modules load.
  // (Not with `--threads 1`: then everything runs on this thread.)
  const threadsArg = process.argv.join(" ").match(/--threads[= ](\S+)/)?.[1];
  if (commandOf(process.argv) === "simulate" && threadsArg !== "1")
    (await import("../parallel/pool.js")).prestartWorkers();
  // The WebAssembly module compiles in the background meanwhile.
  if (["simulate", "scan", "sweep"].includes(commandOf(process.argv) ?? ""))
    (await import("../wasm/module.js")).precompileWasm();
  const verbose = process.argv.includes("--verbose");
  // One run: outputs and inputs are checked against each other (docs/robustness.md), and temp
  // files are removed on SIGINT / SIGTERM from the start.
  const { startPathGuard, guardSignals } = await import("../io/atomic.js");
  startPathGuard();
  guardSignals();
  try {
    const program = await buildProgram(process.argv);
    await program.parseAsync(process.argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") {
      process.exitCode = 0;
      return;
    }
    if (typeof code === "string" && code.startsWith("commander.")) {
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    process.exitCode = reportError(err, verbose);
  }
}

/** Resolves once `stream` has handed everything written to it to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return stream.writableLength === 0 ? Promise.resolve() : new Promise((done) => stream.once("drain", done));
}

await main();
// Everything is written and the workers are stopped: exit now instead of letting Node tear the
// heap and the WebAssembly memories down one by one, which costs tens of ms per run.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit();
