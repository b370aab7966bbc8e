// Node (CommonJS): the nodejs-target glue (bundled with core.js by the build) instantiates the
// wasm synchronously on require.
"use strict";
const wasm = require("../wasm-cjs/keygate.js");

const api = wasm.createApi(wasm);
module.exports = { ...api, ready: Promise.resolve(), default: api };
