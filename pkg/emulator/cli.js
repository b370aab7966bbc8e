#!/usr/bin/env node
// keygate emulator CLI: `node pkg/emulator/cli.js emulator --port 8787 --config emu.json`.
// The package's `keygate` bin delegates `keygate emulator ...` to `main(argv)`.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startEmulator, exposureWarning } from "./server.js";
import { ConfigError } from "./config.js";
import { EMULATED } from "./providers/index.js";

export const USAGE = `Usage: keygate emulator [options]

Start the keygate provider emulator (${EMULATED.map((p) => p.name).join(", ")}) on loopback.

Options:
  --port <n>              port of the provider listener (default 8787; 0 = any free port)
  --host <addr>           address to bind (default 127.0.0.1; anything but loopback
                          makes it reachable from other machines, with a warning)
  --cross-origin-port <n> port of the cross-origin trap listener (default: any free port)
  --config <file.json>    configuration file (see pkg/emulator/README.md)
  --json                  print the URLs as one JSON line instead of a table
  --verbose               log every request (credentials redacted) to stderr
  -h, --help              show this help

Stops cleanly on Ctrl+C (SIGINT) or SIGTERM.`;

class UsageError extends Error {}

/** Parse CLI arguments (a leading `emulator` subcommand word is accepted and skipped). */
export function parseArgs(argv) {
  const args = [...argv];
  if (args[0] === "emulator") args.shift();
  const out = { port: 8787, host: "127.0.0.1", crossOriginPort: 0, config: null, json: false, verbose: false, help: false };
  const takeValue = (flag, inline) => {
    const v = inline ?? args.shift();
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const port = (flag, v) => {
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`${flag} must be a port number (0-65535)`);
    return Number(v);
  };
  while (args.length) {
    const arg = args.shift();
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    switch (flag) {
      case "-h":
      case "--help":
        out.help = true;
        break;
      case "--port":
        out.port = port(flag, takeValue(flag, inline));
        break;
      case "--cross-origin-port":
        out.crossOriginPort = port(flag, takeValue(flag, inline));
        break;
      case "--host":
        out.host = takeValue(flag, inline);
        break;
      case "--config":
        out.config = takeValue(flag, inline);
        break;
      case "--json":
        out.json = true;
        break;
      case "--verbose":
        out.verbose = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return out;
}

function table(emu) {
  const u = emu.urls;
  const rows = [
    // Each provider file's `EMULATOR.listing`.
    ...EMULATED.flatMap((p) => p.listing.map(([name, url]) => [name, url(u)])),
    ["cross-origin trap", emu.crossOrigin.url],
  ];
  return [
    `keygate emulator listening on ${emu.url}`,
    ...rows.map(([k, v]) => `  ${k.padEnd(19)} ${v}`),
    "Demo credentials: DEMO_KEYS in pkg/emulator/config.js (see pkg/emulator/README.md).",
    "Press Ctrl+C to stop.",
  ].join("\n");
}

/**
 * Start the emulator from CLI arguments and print its banner. Signal handlers (when wanted) are
 * installed before the banner, so a supervisor that signals as soon as it sees the banner is heard.
 * @returns {Promise<{emu: object|null, code: number}>}
 */
async function start(argv, io, onStop) {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    stderr.write(`keygate emulator: ${err.message}\n\n${USAGE}\n`);
    return { emu: null, code: 2 };
  }
  if (args.help) {
    stdout.write(`${USAGE}\n`);
    return { emu: null, code: 0 };
  }
  let emu;
  try {
    emu = await startEmulator(args.config ?? {}, {
      port: args.port,
      host: args.host,
      crossOriginPort: args.crossOriginPort,
      quiet: !args.verbose,
      warnExposed: false,
    });
  } catch (err) {
    const reason = err instanceof ConfigError ? err.message : err.code === "EADDRINUSE" ? `port ${args.port} is in use` : err.message;
    stderr.write(`keygate emulator: ${reason}\n`);
    return { emu: null, code: err instanceof ConfigError ? 2 : 1 };
  }
  if (onStop) {
    let stopping = false;
    const stop = async (signal) => {
      if (stopping) return;
      stopping = true;
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      const force = setTimeout(() => onStop(0, true), 3000);
      force.unref();
      await emu.close();
      clearTimeout(force);
      stderr.write(`keygate emulator: stopped (${signal})\n`);
      onStop(0, false);
    };
    const onInt = () => void stop("SIGINT");
    const onTerm = () => void stop("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  }
  if (emu.exposed) stderr.write(`keygate emulator: WARNING: ${exposureWarning(emu.host, emu.port, emu.crossOrigin.port)}\n`);
  if (args.json) {
    stdout.write(`${JSON.stringify({ url: emu.url, urls: emu.urls, crossOrigin: emu.crossOrigin.url })}\n`);
  } else {
    stdout.write(`${table(emu)}\n`);
  }
  return { emu, code: 0 };
}

/**
 * Run the CLI and keep the emulator up until SIGINT or SIGTERM. Resolves to the exit code: 0 after
 * `--help` or a clean stop, 2 for bad arguments or config, 1 when it cannot start.
 * @param {string[]} argv arguments after the program name, e.g. ["emulator", "--port", "0"]
 * @param {{stdout?:NodeJS.WritableStream, stderr?:NodeJS.WritableStream}} [io]
 * @returns {Promise<number>}
 */
export function serve(argv = process.argv.slice(2), io = {}) {
  return new Promise((resolve, reject) => {
    start(argv, io, (code, forced) => {
      // close() drops every connection; if it still hangs, the exit is forced.
      if (forced) process.exit(code);
      resolve(code);
    }).then(({ emu, code }) => {
      if (!emu) resolve(code);
    }, reject);
  });
}

/**
 * Start the CLI in-process. Resolves to the running emulator handle, or to null after `--help`
 * or an error (then `process.exitCode` is set). With signals handled (the default), SIGINT or
 * SIGTERM closes it and calls `io.exit(0)` (default `process.exit`).
 * @param {string[]} argv arguments after the program name, e.g. ["emulator", "--port", "0"]
 * @param {{stdout?:NodeJS.WritableStream, stderr?:NodeJS.WritableStream, handleSignals?:boolean, exit?:(code:number)=>void}} [io]
 */
export async function main(argv = process.argv.slice(2), io = {}) {
  const exit = io.exit ?? ((code) => process.exit(code));
  const { emu, code } = await start(argv, io, io.handleSignals === false ? null : (c) => exit(c));
  if (!emu && code !== 0) process.exitCode = code;
  return emu;
}

function isEntryPoint() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await serve(process.argv.slice(2));
}
