// Browsers and Web Workers: the wasm is fetched next to this module and instantiated with top-level
// await; `ready` resolves once it is (importing this module already waits for it). Bundlers that
// copy assets referenced by `new URL(…, import.meta.url)` (Vite, webpack, Next.js, Parcel) ship the
// .wasm; for those that do not (esbuild, Rollup, bun build) import "keygate/inline" instead.
// Dev servers (the `development` condition: vite dev, webpack and Next in development) get the
// inline entry, since dependency pre-bundling (Vite 7's) moves this module away from its .wasm.
import init, * as wasm from "../wasm/keygate.js";

const url = new URL("../wasm/keygate_bg.wasm", import.meta.url);
export const ready = init({ module_or_path: url }).then(
  () => undefined,
  (cause) => {
    throw new Error(`keygate: could not load its WebAssembly from ${url} (${cause?.message ?? cause}). ` +
      `If your bundler does not copy .wasm files (esbuild, Rollup, bun build), import from "keygate/inline".`, { cause });
  },
);
await ready;
const api = wasm.createApi(wasm);

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export default api;
