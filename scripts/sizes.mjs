// Prints the raw and gzip sizes of what a worker ships: the optimised .wasm plus the JS glue, and
// checks them against a ceiling per toolchain (the size must not grow; lower a ceiling when a
// change shrinks the bundle, never raise it without saying why). The toolchain is the one
// mk/toolchain.mk recorded in target/wasm-toolchain; a stable fallback is reported loudly here too.
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { SIZE_GOALS, VALIDATE_FILES, validateBundle, workerBundle } from "./size-measures.mjs";

// gzip bytes of the three files below, by toolchain (`nightly-*`: the release build; `stable`:
// WASM_TOOLCHAIN=stable or the fallback). Measured 2026-12-02: nightly 58,689 B, stable 65,730 B.
// Raised for issue 18 items 4-5 (hooks, logger, key rotation): nightly 60,866 B (+2,177 B: about
// 1.5 KB of minified JS for the hooks/logger/credential-function paths, about 0.5 KB of wasm for
// the core's rotation rule, dead code until bound, and `safeUrl`); stable not measured, raised alike.
// Raised again when the per-provider facts moved into the provider files (issue 15) while the
// rotation rule became reachable from the wasm (issue 18): nightly 61,030 B (+164 B, the revoked-key
// table of each provider); stable measured 67,971 B before that merge.
// Lowered when scripts/bundle.mjs began minifying the wasm's import and export names (issue 19):
// nightly 59,461 B (-1,570 B); and again when it stopped keeping every function's name
// (`keepNames`, -721 B): 58,740 B; and when JSON came to be read by the host's JSON.parse
// (keygate's `host-json` feature, -530 B): 58,210 B; without the unused `detectKind` export: 58,162 B.
// Stable measured by `make test-stable-build` after the same steps: 65,523 B.
// Raised for issue 18 item 2 (pacing): nightly 68,649 B (+7,619 B over 61,030 B): the core's pacer
// (src/pace.rs: the sliding log, FIFO waiters, server view) and its binding WasmPacer/paceScope
// (crates/keygate-wasm/src/pacer.rs) add about 6 KB gzip of wasm, pkg/src/pace.js about 1.4 KB of
// minified JS. Already cut: no map type in the wasm (one WasmPacer per scope, the Map in JS: -2.3 KB),
// no u128 division (-0.66 KB). Left to do: ship the pacer as a separate wasm loaded only with
// `pace`. Stable not measured, raised alike.
// Raised again for issue 18 item 3 (the Durable Object's bucket kept in `state.storage`): nightly
// 70,697 B (+2,048 B over 68,649 B): `Bucket::encode`/`decode` (src/pace.rs) and
// `WasmPacer.save`/`restore`, already written without core::fmt and str::parse for integers.
// The commit before this one is the pacer without persistence, at 68,649 B.
// Merged with the size work above (measured at the merge): nightly 67,585 B with the pacer and its
// persistence, 58,264 B without them (the request driver's changes added about 100 B of glue): the
// pacer costs every user 9,321 B gzip until it ships as its own wasm. Stable raised alike (not measured).
// Lowered when the pacer became its own wasm (crates/keygate-pace, `keygate/pace`; issue 19): nightly
// 59,469 B (-8,116 B). Left in the client: `WasmExchange.paceScope` (it fingerprints the credential):
// measured 863 B (838 B of wasm with the core's `paced`/`Scope::new`, 25 B of glue; 58,606 B without
// it), and pkg/src/pace-hook.js (about 430 B minified, gzipped alone). Tried and not kept: only the
// fingerprint in the client (`paceTarget`, `paced`/`Scope::new` in the pace wasm): 59,295 B (-174 B)
// for everyone, +3,176 B for keygate/pace. Stable measured by the build step of `make
// test-stable-build`: 66,670 B.
// Lowered when the URL's origin wrote its port with the core's one decimal writer (src/decimal.rs,
// no other change): nightly 59,442 B (-27 B); stable not measured, left as it was.
// Lowered when a request crossed the client's wasm boundary as packed text (issue 19: the spec
// read and packed in JS, the next fetch and each step's result, rate limit and request id as one
// string; the url/method/body/headers/timeoutMs/requestId/rateLimit accessors gone): nightly
// 58,983 B (-459 B: wasm 48,223 -> 47,227, glue + core.js 10,803 -> 11,340); stable not measured.
// Lowered when `ErrorCode::as_str` read its strings from one lookup table (src/error.rs; the match
// with the `Key` arm compiled to an arm each, 750 B of wasm): nightly 59,341 B (-101 B).
// Both merged (the packed boundary and the code table): nightly 58,866 B.
// Lowered when a redirect's Location came to be resolved by the host's URL (keygate's `host-url`
// feature, crates/keygate-wasm/src/host_url.rs; the core's WHATWG parser not linked): nightly
// 58,308 B (-1,134 B: wasm -1,154 B, glue +20 B); stable not measured, left as it was.
// Merged with the host-url step: nightly 57,737 B.
// Lowered when the last `format!`/`write!`/number `to_string` of the code both wasms link was built
// from parts (`decimal::fill`, `decimal_str`; core::fmt no longer linked by the npm wasms): nightly
// 56,818 B (-919 B); stable not measured.
// Lowered when the client's glue was cut to what keygate uses (scripts/slim-glue.mjs: no async init
// in the worker bundle, browser.js/inline.js instantiate themselves; one string helper each way;
// `--encode-into always`; the glue's internal fields mangled): nightly 58,775 B (-667 B, all of it
// pkg/wasm/keygate.js: 10,803 -> 10,136 B); stable not measured, left as it was.
// Merged with the slimmed glue (scripts/slim-glue.mjs): nightly 56,177 B.
// Lowered when scripts/slim-glue.mjs came to slim the small wasms' glue too, with patches the client's
// shares (the instance and module no longer kept, a fallible string result through one helper):
// nightly 56,139 B (-38 B, pkg/wasm/keygate.js 10,704 -> 10,689 B); stable not measured, left as it was.
// And without the glue's resets of memory views still null (__wbg_finalize_init): nightly 56,133 B (-6 B).
// Raised by 4 B when validateKey/detectProvider/redact/buildHeaders and KeygateHeaders became one
// module for both bundles (pkg/src/key-api.js; core.js and validate-core.js each had a copy, about
// 100 lines): nightly 56,181 B (keygate/validate +10 B, below); the one copy was kept over the bytes.
// Raised by 59 B when a provider's key rules became their own static (`KeyRules`, pointed to by
// `Provider::keys`; src/providers): the full wasm reads them through one more pointer and carries
// a second table (`ALL_KEYS`); keygate/validate no longer links the rest of the description
// (base URLs, endpoints, environment names): -666 B there (below). Nightly 56,240 B.
// Lowered when a header map's display was read in JS and each value redacted by the wasm's
// `redactHeader(name, value)` (no `redactHeaders` walking a JS object from Rust): nightly 56,162 B (-78 B).
// Lowered when the closure adapters' function-table slots were pointed at one adapter before
// wasm-opt (scripts/dead-table.mjs; no keygate wasm makes closures): nightly 55,715 B (-447 B).
// Merged with the small glue (measured at the merge; redactHeader takes JS values, the form the
// slimmed glue knows): nightly 55,631 B.
// Lowered when UTF-8 was checked by keygate's own small check (src/utf8.rs, the same answers as
// core::str::from_utf8 on every sequence of up to three bytes): nightly 55,481 B (-150 B).
// Stable measured after the same steps (2026-12-02 15:47, WASM_TOOLCHAIN=stable, the closure adapters'
// legacy-mangled names matched too): 60,716 B.
// Lowered when a client's options and buildHeaders's crossed into the client's wasm as packed text
// (issue 19: read in JS, pkg/src/options.js `packClient`/`packHeaders`; the rules in Rust,
// crates/keygate-wasm/src/packed.rs; no JS object read from Rust, the hasOwn/isArray imports gone):
// nightly 55,240 B (-391 B: wasm 44,503 -> 43,996 B, glue + core.js 10,712 -> 10,828 B); the same
// answers for 229 option objects (tests/js/client-options-oracle.test.mjs); stable not measured.
// Merged with the packed client options (measured at the merge): nightly 55,070 B.
// Stable at the same merge: 60,325 B.
// Lowered when PowerPost's key parts and Poesius's JWT look were split and counted by byte (no char
// searcher): nightly 55,064 B (-6 B; keygate/validate -205 B); stable 60,300 B (validate 24,196 B).
// Lowered with the sanitiser's cuts for issue 19's request overhead (4 passes per text instead of
// 7, one window-chain buffer for them; two redundant `??` and zero-length arrays in the driver):
// nightly 55,607 B (-24 B); stable not measured, left as it was.
// Merged with the sanitiser's cuts (measured at the merge): nightly 55,045 B; stable 60,305 B (+5 B).
// Lowered with --strip-target-features (the target_features custom section, which no engine reads,
// dropped by wasm-opt): nightly 54,933 B (-112 B); stable 60,203 B.
const CEILING = { nightly: 54_933, stable: 60_203 };

// pkg/wasm/keygate.js is the wasm-bindgen glue and pkg/src/core.js, bundled and minified
// (scripts/size-measures.mjs: the files and the measure, shared with bench/run.mjs).
const { files, raw, gzip: gz } = workerBundle(".");
for (const f of files) console.log(`${f.file.padEnd(28)} ${String(f.raw).padStart(8)} B raw ${String(f.gzip).padStart(8)} B gzip`);
console.log(`${"total shipped to a worker".padEnd(28)} ${String(raw).padStart(8)} B raw ${String(gz).padStart(8)} B gzip (${(gz / 1024).toFixed(1)} KiB)`);

const state = existsSync("target/wasm-toolchain") ? readFileSync("target/wasm-toolchain", "utf8").trim() : "unknown";
const kind = state.startsWith("nightly") ? "nightly" : "stable";
if (state === "stable-fallback") {
  console.error("!!! sizes: this wasm was built by the STABLE FALLBACK (the pinned nightly could not be installed);");
  console.error("!!! sizes: the release artifact is the nightly build-std one, about 6.9 KiB gzip smaller. See mk/toolchain.mk.");
} else if (state === "unknown") {
  console.error("sizes: target/wasm-toolchain is missing (wasm not built through make?): checking the stable ceiling");
}
const ceiling = CEILING[kind];
if (gz > ceiling) {
  console.error(`sizes: FAIL: ${gz} B gzip is over the ${kind} ceiling of ${ceiling} B (scripts/sizes.mjs): the shipped size must not grow`);
  process.exit(1);
}
console.log(`toolchain ${state}: within the ${kind} ceiling of ${ceiling} B gzip`);

// `keygate/validate` as a browser bundle ships it: its entry and pkg/wasm/validate.js (glue, JS
// layer, provider list and the deflated wasm in base64), one gzip stream as a bundler's output is
// served. Goal (issue 19): 16 KiB. The ceiling keeps it from growing.
const VALIDATE_GOAL = SIZE_GOALS.validate;
// Lowered to what was measured after the issue 19 size steps: nightly 22,183 B (from 23,800 B),
// stable 28,195 B.
// +8 B at the merge with the shared option readers (pkg/src/options.js): nightly 22,191 B.
// `ErrorCode::as_str` from one lookup table (src/error.rs): nightly 22,063 B (-128 B).
// +2 B at the merge with the packed boundary (pkg/src/options.js, which keygate/validate shares, gained `packSpec`): nightly 22,065 B.
// Lowered by the same step: nightly 21,249 B (-816 B).
// Its glue slimmed like the client's (scripts/slim-glue.mjs `slimSmallGlue`, --encode-into always): nightly 21,021 B (-228 B).
// Without the glue's null view resets in __wbg_finalize_init (scripts/slim-glue.mjs): nightly 21,015 B (-6 B).
// Lowered when a JWT segment came to be read by a reader of keygate-validate's own (only "an object?"
// and a numeric `exp` cross into the core; nesting counted on the text): nightly 20,805 B (-444 B).
// +10 B when the key functions became one module with the full package's (pkg/src/key-api.js): 20,815 B.
// Lowered when the key rules became their own static (`KeyRules`, above): nightly 20,149 B (-666 B).
// The same `redactHeader` step: nightly 20,049 B (-100 B).
// Own declarations of JSON.parse, Array.isArray, Reflect.get and Date.now (no js-sys types): 20,021 B (-28 B).
// The closure adapters' table slots (scripts/dead-table.mjs, above): nightly 19,765 B (-256 B).
// Merged with the small glue (measured at the merge): nightly 19,454 B.
// The same UTF-8 check: nightly 19,280 B (-174 B).
// Stable measured at the same time: 24,434 B.
// +1 B at the merge with the packed client options (pkg/src/options.js, shared): nightly 19,281 B.
// PowerPost's key parts and Poesius's JWT look by byte (above): nightly 19,076 B (-205 B).
// Zopfli instead of zlib for the deflated wasm in the ESM entry, the base64 text first in the
// bundle, and --strip-target-features: nightly 17,660 B (-1,416 B); stable 22,556 B.
// Only strings and numbers cross keygate/validate's boundary (no JS value table linked; the JWT
// claims answered as numbers by crates/keygate-validate/claims.js): nightly 17,296 B (-364 B;
// its wasm 14,750 -> 14,289 B); stable 21,874 B.
// One `passStrings` helper for the string arguments of the small glue's exports (the same frees
// when a string cannot be passed): nightly 17,115 B (-181 B); stable 21,682 B.
const VALIDATE_CEILING = { nightly: 17_115, stable: 21_682 };
if (VALIDATE_FILES.every((f) => existsSync(f))) {
  const { gzip: vgz, wasmGzip: wgz } = validateBundle(".");
  const verdict = vgz <= VALIDATE_GOAL ? "PASS" : `MISSED by ${vgz - VALIDATE_GOAL} B`;
  console.log(`${"keygate/validate (browser)".padEnd(28)} ${String(vgz).padStart(8)} B gzip (${(vgz / 1024).toFixed(1)} KiB; its wasm alone ${wgz} B gzip); goal ${VALIDATE_GOAL} B: ${verdict}`);
  if (vgz > VALIDATE_CEILING[kind]) {
    console.error(`sizes: FAIL: keygate/validate is ${vgz} B gzip, over the ${kind} ceiling of ${VALIDATE_CEILING[kind]} B (scripts/sizes.mjs)`);
    process.exit(1);
  }
} else {
  console.error("sizes: FAIL: keygate/validate was not built (pkg/wasm/validate.js missing)");
  process.exit(1);
}

// `keygate/pace` (its own wasm; loaded only by those who pace, issue 19), printed, not checked
// against the goal: in a browser bundle (its entry and pkg/wasm/pace.js, the deflated wasm in
// base64) and in a worker (the .wasm, the glue and the workerd entry, each gzipped as above).
const pfiles = ["pkg/src/pace.js", "pkg/wasm/pace.js"];
const wfiles = ["pkg/wasm/pace_bg.wasm", "pkg/wasm/pace-glue.js", "pkg/src/pace-workerd.js"];
if ([...pfiles, ...wfiles].every((f) => existsSync(f))) {
  const pgz = gzipSync(Buffer.concat(pfiles.map((f) => readFileSync(f))), { level: 9 }).length;
  const wgz = wfiles.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  console.log(`${"keygate/pace (browser)".padEnd(28)} ${String(pgz).padStart(8)} B gzip (${(pgz / 1024).toFixed(1)} KiB); in a worker ${wgz} B gzip (wasm, glue, entry)`);
} else {
  console.error("sizes: FAIL: keygate/pace was not built (pkg/wasm/pace.js missing)");
  process.exit(1);
}
