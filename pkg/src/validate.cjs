// `keygate/validate` for require(): the same as validate.js, as CommonJS.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const api = require("../wasm/validate.cjs");

exports.default = api;
exports.ready = Promise.resolve();
exports.validateKey = api.validateKey;
exports.detectProvider = api.detectProvider;
exports.buildHeaders = api.buildHeaders;
exports.redact = api.redact;
exports.providers = api.providers;
exports.KeygateError = api.KeygateError;
exports.KeyFormatError = api.KeyFormatError;
exports.ConfigError = api.ConfigError;
exports.ApiError = api.ApiError;
