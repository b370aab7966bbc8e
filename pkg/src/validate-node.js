// `keygate/validate` for Node, Deno and Bun (ESM): loads the CommonJS entry, whose wasm is plain
// base64 instantiated synchronously (import + first call about 12 ms in Node, where inflating with
// DecompressionStream cost about 75 ms), and which `require` shares (one instance, one set of errors).
import cjs from "./validate.cjs";

const api = cjs.default ?? cjs;
export const { validateKey, detectProvider, buildHeaders, redact, providers, KeygateError, KeyFormatError, ConfigError, ApiError } = api;
export const ready = Promise.resolve();
export default api;
