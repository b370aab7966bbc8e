// `keygate/validate` in edge runtimes (`edge-light`: Next.js edge, Vercel): the .wasm imported
// as a compiled module with the `?module` suffix their bundlers define.
import wasmModule from "../wasm/validate_bg.wasm?module";
import { load } from "../wasm/validate-glue.js";

const api = load(wasmModule);
export const { validateKey, detectProvider, buildHeaders, redact, providers, KeygateError, KeyFormatError, ConfigError, ApiError } = api;
export const ready = Promise.resolve();
export default api;
