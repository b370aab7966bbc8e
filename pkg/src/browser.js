// Browsers and Web Workers: the wasm is fetched next to this module and instantiated with top-level
// await; `ready` resolves once it is (importing this module already waits for it). Bundlers that
// copy assets referenced by `new URL(…, import.meta.url)` (Vite, webpack, Next.js, Parcel) ship the
// .wasm; for those that do not (esbuild, Rollup, bun build) import "keygate/inline" instead.
// Dev servers (the `development` condition: vite dev, webpack and Next in development) get the
// inline entry, since dependency pre-bundling (Vite 7's) moves this module away from its .wasm.
import * as wasm from "../wasm/keygate.js";

const url = new URL("../wasm/keygate_bg.wasm", import.meta.url);

// Streamed compilation when the server sends `application/wasm`; otherwise (a server with another
// MIME type) from the bytes, with the warning wasm-bindgen's own loader gives.
async function instantiate(imports) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`failed to fetch Wasm: ${resp.status} ${resp.statusText} fetching '${resp.url}'`);
  if (typeof WebAssembly.instantiateStreaming === "function") {
    try {
      return await WebAssembly.instantiateStreaming(resp, imports);
    } catch (e) {
      if (!["basic", "cors", "default"].includes(resp.type) || resp.headers.get("Content-Type") === "application/wasm") throw e;
      console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);
    }
  }
  return WebAssembly.instantiate(await resp.arrayBuffer(), imports);
}

async function load() {
  const { instance, module } = await instantiate(wasm.imports());
  wasm.start(instance, module);
}

export const ready = load().then(
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
