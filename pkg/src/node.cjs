// Node (CommonJS): the nodejs-target glue instantiates the wasm synchronously on require.
"use strict";
const wasm = require("../wasm-cjs/keygate.js");
const { createApi } = require("./core.cjs");

const api = createApi(wasm);
module.exports = { ...api, ready: Promise.resolve(), default: api };
