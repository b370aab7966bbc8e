// `keygate/validate` (ESM: Node import, Deno, Bun, browsers, workers): validateKey, detectProvider,
// redact and buildHeaders from the small validation-only wasm, carried inside the module (deflate-raw
// in base64) and instantiated while it loads (no fetch, no asset for a bundler to copy).
import api from "../wasm/validate.js";

export const { validateKey, detectProvider, buildHeaders, redact, providers, KeygateError, KeyFormatError, ConfigError, ApiError } = api;
export const ready = Promise.resolve();
export default api;
