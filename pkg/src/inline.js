// `keygate/inline`: browsers and workers with the wasm carried inside the JavaScript, for bundlers
// that do not copy a `.wasm` asset (esbuild, Rollup, bun build). The text is the deflate-raw
// compressed wasm in base64, so it costs about what the fetched .wasm does once gzipped; it is
// inflated with the platform's DecompressionStream and instantiated with top-level await.
import * as wasm from "../wasm/keygate.js";
import packed from "../wasm/inline.js";

async function wasmBytes() {
  const bin = atob(packed);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).arrayBuffer();
}

async function load() {
  const { instance, module } = await WebAssembly.instantiate(await wasmBytes(), wasm.imports());
  wasm.start(instance, module);
}

export const ready = load();
await ready;
const api = wasm.createApi(wasm);

export const {
  Client, validateKey, detectProvider, buildHeaders, redact, providers,
  KeygateError, KeyFormatError, ConfigError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionError, NotFoundError, SubscriptionError, RateLimitError, ServerError, NetworkError,
  TimeoutError, AbortError, ApiError,
} = api;
export default api;
