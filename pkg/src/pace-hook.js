// The client's side of pacing (issue 18): reads the `pace` option, a pacer from `keygate/pace`
// (`pacer()`, its own wasm: pkg/src/pace-core.js over crates/keygate-pace), and gives each exchange
// its pacing context. Nothing of the pacer is here, so a client that never paces does not carry it
// (issue 19). `pace: true` cannot load a wasm synchronously in every runtime: it is a ConfigError
// that says what to pass instead.

const PACER = Symbol.for("keygate.pacer");

function paceError(message, provider) {
  return { __keygate: true, name: "ConfigError", code: "invalid_option", provider: provider ?? null, message: `pace: ${message}` };
}

/**
 * Returns `null` (no pacing) or `pace(ex)`, which gives the exchange's pacing context from the
 * pacer: `acquire(signal)` (resolves to a grant, or `-1` when the signal aborted) and
 * `observe(grant, status, rateLimit, retryMs)`. Requests the provider does not count (Postiz: all
 * but `POST /posts`) get `null`.
 */
export function readPace(_wasm, value, provider) {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) throw paceError('true is not supported; pass pace: pacer() from "keygate/pace" (the pacer is its own wasm)', provider);
  let hook;
  try {
    hook = typeof value === "object" ? value[PACER] : undefined;
  } catch {
    hook = undefined;
  }
  if (hook === null || typeof hook !== "object" || typeof hook.open !== "function") {
    throw paceError('pace must be a pacer from "keygate/pace": pace: pacer(), pacer({ limit, windowMs, burst }) or pacer({ store })', provider);
  }
  if (hook.error) throw { ...hook.error, provider: provider ?? null };
  return (ex) => {
    const sc = ex.paceScope(hook.scope);
    return sc === null ? null : hook.open(sc.key, sc.policy, provider);
  };
}
