// `keygate/pace` for Node, Deno and Bun (ESM): loads the CommonJS entry (plain base64 instantiated
// synchronously), which `require` shares (one instance, one in-memory store).
import cjs from "./pace.cjs";

const api = cjs.default ?? cjs;
export const { pacer } = api;
export const ready = Promise.resolve();
export default api;
