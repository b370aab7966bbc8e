// `keygate/pace` (ESM: browsers, workers, default): `pacer()` for the client's `pace` option, over
// the small pacer-only wasm (crates/keygate-pace), carried inside the module (deflate-raw in
// base64) and instantiated while it loads. Only a user who paces loads it (issue 19).
import api from "../wasm/pace.js";

export const { pacer } = api;
export const ready = Promise.resolve();
export default api;
