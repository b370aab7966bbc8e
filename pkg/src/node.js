// Node, Deno and Bun (ESM). This imports the CommonJS entry, so `import` and `require` of keygate in
// one process share one wasm instance and one set of error classes (no dual-package hazard:
// `instanceof KeygateError` holds whichever way the error's creator loaded keygate). A plain
// import of a relative file, which every bundler follows; the wasm is instantiated synchronously
// when that entry loads, so no init() call is ever needed.
import cjs from "./node.cjs";

// Node and most bundlers hand a CommonJS module's `module.exports` to a default import; those that
// honour `__esModule` (Rollup's commonjs plugin, Vite dev) hand over `exports.default` itself.
const api = cjs.default ?? cjs;
export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export const ready = Promise.resolve();
export default api;
