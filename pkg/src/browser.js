// Browsers and Web Workers: the wasm is fetched next to this module and instantiated with top-level
// await; `ready` resolves once it is (importing this module already waits for it).
import init, * as wasm from "../wasm/keygate.js";

export const ready = init({ module_or_path: new URL("../wasm/keygate_bg.wasm", import.meta.url) });
await ready;
const api = wasm.createApi(wasm);

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export default api;
