// Node, Deno and Bun (ESM): the wasm is compiled synchronously from the file next to the glue,
// so no init() call is ever needed.
import { readFileSync } from "node:fs";
import * as wasm from "../wasm/keygate.js";

wasm.initSync({ module: readFileSync(new URL("../wasm/keygate_bg.wasm", import.meta.url)) });
const api = wasm.createApi(wasm);

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export const ready = Promise.resolve();
export default api;
