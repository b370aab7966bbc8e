// Cloudflare Workers (workerd): wrangler and miniflare import the .wasm as a compiled module,
// which is instantiated synchronously at module load.
import wasmModule from "../wasm/keygate_bg.wasm";
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
