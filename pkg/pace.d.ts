// `keygate/pace`: the pacer for the client's `pace` option, backed by the small pacer-only wasm
// (loaded only by the users who pace). An invalid option is a `ConfigError` thrown by the client
// that is given the pacer.
import type { Pacer, PaceOptions } from "./index.js";
export type { Pacer, PaceOptions, PacePolicy, PaceStore } from "./index.js";

/** A pacer: the provider's documented limit (none), a policy, and/or `{ store, scope, maxWaitMs }`. */
export declare function pacer(options?: PaceOptions): Pacer;
export declare const ready: Promise<void>;
declare const api: { pacer: typeof pacer };
export default api;
