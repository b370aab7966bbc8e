// Edge runtimes that take the `edge-light` condition (Next.js edge routes and middleware, Vercel's
// edge functions). They forbid compiling wasm from bytes at run time, so the .wasm is imported as a
// compiled WebAssembly.Module with the `?module` suffix their bundlers define, and instantiated
// synchronously at module load.
import wasmModule from "../wasm/keygate_bg.wasm?module";
import * as wasm from "../wasm/keygate.js";

wasm.initSync({ module: wasmModule });
const api = wasm.createApi(wasm);

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export const ready = Promise.resolve();
export default api;
