// Node, Deno and Bun (CommonJS; the ESM entry loads this one too). wasm/keygate.cjs carries the
// wasm as base64 text and instantiates it synchronously on require: nothing is read from disk,
// so a bundler for Node (esbuild, bun build, webpack, Next.js with Turbopack or webpack) carries
// it like any other code and `output: "standalone"` needs no extra file.
// Written as `exports.name = …` with the __esModule marker, so the declarations' `export default`
// is true for TypeScript's CommonJS reading and bundlers see each name statically.
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const wasm = require("../wasm/keygate.cjs");

const api = wasm.createApi(wasm);
exports.default = api;
exports.ready = Promise.resolve();
exports.Client = api.Client;
exports.validateKey = api.validateKey;
exports.detectProvider = api.detectProvider;
exports.buildHeaders = api.buildHeaders;
exports.redact = api.redact;
exports.providers = api.providers;
exports.KeygateError = api.KeygateError;
exports.KeyFormatError = api.KeyFormatError;
exports.ConfigError = api.ConfigError;
exports.BadRequestError = api.BadRequestError;
exports.AuthenticationError = api.AuthenticationError;
exports.PaymentRequiredError = api.PaymentRequiredError;
exports.PermissionError = api.PermissionError;
exports.NotFoundError = api.NotFoundError;
exports.SubscriptionError = api.SubscriptionError;
exports.RateLimitError = api.RateLimitError;
exports.ServerError = api.ServerError;
exports.NetworkError = api.NetworkError;
exports.TimeoutError = api.TimeoutError;
exports.AbortError = api.AbortError;
exports.ApiError = api.ApiError;
