// Node, Deno and Bun (CommonJS; the ESM entry loads this one too). wasm/keygate.cjs carries the
// wasm as compressed text and instantiates it synchronously on require: nothing is read from disk,
// so a bundler for Node (esbuild, bun build, webpack, Next.js with Turbopack or webpack) carries
// it like any other code and `output: "standalone"` needs no extra file.
"use strict";
const wasm = require("../wasm/keygate.cjs");

const api = wasm.createApi(wasm);
module.exports = { ...api, ready: Promise.resolve(), default: api };
