// `keygate/pace` in Cloudflare Workers (workerd): wasm is only instantiated from a module the
// runtime compiled, so the .wasm is imported (wrangler and miniflare compile it). keygate/cloudflare
// loads this one too (one pacer wasm instance).
import wasmModule from "../wasm/pace_bg.wasm";
import { load } from "../wasm/pace-glue.js";

const api = load(wasmModule);
export const { pacer } = api;
export const ready = Promise.resolve();
export default api;
