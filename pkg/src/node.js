// Node, Deno and Bun (ESM). This loads the CommonJS entry, so `import` and `require` of keygate in
// one process share one wasm instance and one set of error classes (no dual-package hazard:
// `instanceof KeygateError` holds whichever way the error's creator loaded keygate). The wasm is
// compiled synchronously when that entry loads, so no init() call is ever needed.
import { createRequire } from "node:module";

const api = createRequire(import.meta.url)("./node.cjs").default;

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export const ready = Promise.resolve();
export default api;
