// `keygate/validate` in Cloudflare Workers (workerd): wasm is only instantiated from a module the
// runtime compiled, so the .wasm is imported (wrangler and miniflare compile it).
import wasmModule from "../wasm/validate_bg.wasm";
import { load } from "../wasm/validate-glue.js";

const api = load(wasmModule);
export const { validateKey, detectProvider, buildHeaders, redact, providers, KeygateError, KeyFormatError, ConfigError, ApiError } = api;
export const ready = Promise.resolve();
export default api;
