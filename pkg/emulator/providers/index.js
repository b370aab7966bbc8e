// The emulator's provider registry: one line per emulated provider, in the order of the core's
// registry (src/providers/mod.rs `ALL`). Static imports, so that esbuild can bundle the CJS build
// (scripts/bundle.mjs). server.js, cli.js and lib/cors.js read everything else from each
// provider's `EMULATOR` description. Adding a provider: its file here plus one line below.
import { EMULATOR as poesius } from "./poesius.js";
import { EMULATOR as poelis } from "./poelis.js";
import { EMULATOR as powerpost } from "./powerpost.js";
import { EMULATOR as postiz } from "./postiz.js";

/** Each emulated provider's description (`EMULATOR` of its file). */
export const EMULATED = Object.freeze([poesius, poelis, powerpost, postiz]);
