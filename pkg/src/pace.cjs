// `keygate/pace` for require(): the same as pace.js, as CommonJS.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const api = require("../wasm/pace.cjs");

exports.default = api;
exports.ready = Promise.resolve();
exports.pacer = api.pacer;
