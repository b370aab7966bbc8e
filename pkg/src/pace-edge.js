// `keygate/pace` in edge runtimes (`edge-light`: Next.js edge, Vercel): the .wasm imported as a
// compiled module with the `?module` suffix their bundlers define.
import wasmModule from "../wasm/pace_bg.wasm?module";
import { load } from "../wasm/pace-glue.js";

const api = load(wasmModule);
export const { pacer } = api;
export const ready = Promise.resolve();
export default api;
