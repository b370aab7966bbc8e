// The gloo transport's wasm-bindgen tests (tests/gloo_emulator.rs) against the emulator, in each
// runtime asked for:
//   node tests/rust-gloo/run.mjs [node] [chromium] [chromium-worker]   (default: all three)
// For each runtime this starts a fresh emulator on 127.0.0.1 (allowing the test page's origin to
// use /_emulator/*), passes its URLs and demo keys to the test crate in KEYGATE_GLOO_EMU (read at
// compile time with option_env!) and runs `cargo test --target wasm32-unknown-unknown` with
// .tools/bin/wasm-bindgen-test-runner as the runner: Node by default; Debian's Chromium through
// /usr/bin/chromedriver (WASM_BINDGEN_USE_BROWSER, or WASM_BINDGEN_USE_DEDICATED_WORKER for a Web
// Worker), headless, with the flags in tests/rust-gloo/webdriver.json. Any failure, a missing
// tool or a run over its time limit exits non-zero: nothing is skipped.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, DEMO_KEYS } from "keygate/emulator";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const RUNNER = path.join(ROOT, ".tools/bin/wasm-bindgen-test-runner");
const CHROMEDRIVER = process.env.CHROMEDRIVER || "/usr/bin/chromedriver";
const RUN_MS = 420_000; // one runtime, the test crate's compile included
const RUNTIMES = {
  node: { env: {}, opaqueRedirects: false, window: false },
  chromium: { env: { WASM_BINDGEN_USE_BROWSER: "1" }, opaqueRedirects: true, window: true, browser: true },
  "chromium-worker": { env: { WASM_BINDGEN_USE_DEDICATED_WORKER: "1" }, opaqueRedirects: true, window: false, browser: true },
};

const fail = (msg) => {
  console.error(`rust-gloo: ${msg}`);
  process.exit(1);
};

const asked = process.argv.slice(2);
for (const r of asked) if (!RUNTIMES[r]) fail(`unknown runtime ${r} (${Object.keys(RUNTIMES).join(", ")})`);
const runtimes = asked.length ? asked : Object.keys(RUNTIMES);
if (!existsSync(RUNNER)) fail(`${RUNNER} is missing: run \`make setup-wasm-bindgen\``);
if (runtimes.some((r) => RUNTIMES[r].browser) && !existsSync(CHROMEDRIVER)) {
  fail(`${CHROMEDRIVER} is missing: \`apt-get install chromium-driver\` (make test-rust-gloo does)`);
}

/** A free loopback port for the test runner's page server. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function run(cmd, args, env, limitMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"], detached: true });
    const timer = setTimeout(() => {
      console.error(`rust-gloo: ${cmd} ran over ${limitMs} ms, stopping it`);
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      resolve(124);
    }, limitMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

const results = [];
for (const name of runtimes) {
  const rt = RUNTIMES[name];
  const port = rt.browser ? await freePort() : 0;
  const pageOrigin = `http://127.0.0.1:${port}`;
  const emu = await startEmulator({}, { controlOrigins: rt.browser ? [pageOrigin] : [] });
  const started = Date.now();
  let code;
  try {
    const config = { url: emu.url, urls: emu.urls, keys: DEMO_KEYS, opaqueRedirects: rt.opaqueRedirects, window: rt.window };
    const env = {
      ...process.env,
      ...rt.env,
      KEYGATE_GLOO_EMU: JSON.stringify(config),
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: RUNNER,
      WASM_BINDGEN_TEST_TIMEOUT: "120",
    };
    if (rt.browser) {
      env.CHROMEDRIVER = CHROMEDRIVER;
      env.WASM_BINDGEN_TEST_ADDRESS = `127.0.0.1:${port}`;
      env.WASM_BINDGEN_TEST_WEBDRIVER_JSON = path.join(ROOT, "tests/rust-gloo/webdriver.json");
    }
    console.log(`rust-gloo [${name}]: emulator at ${emu.url}${rt.browser ? `, test page at ${pageOrigin}` : ""}`);
    code = await run(
      "cargo",
      ["test", "-p", "keygate", "--target", "wasm32-unknown-unknown", "--features", "gloo,serde", "--test", "gloo_emulator"],
      env,
      RUN_MS,
    );
  } finally {
    await emu.close();
  }
  const ms = Date.now() - started;
  results.push({ name, code, ms });
  console.log(`rust-gloo [${name}]: ${code === 0 ? "passed" : `FAILED (exit ${code})`} in ${(ms / 1000).toFixed(1)} s`);
}
const failed = results.filter((r) => r.code !== 0);
console.log(`rust-gloo: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
