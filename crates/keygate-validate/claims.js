// The host half of keygate-validate's JWT claims reader (src/lib.rs `read_claims`): one segment
// through JSON.parse, answered as numbers, so nothing but strings and numbers ever crosses into
// that wasm (no JS value table is linked; issue 19). JSON.parse makes plain data properties only:
// reading `exp` runs no getter.
let exp = 0;

/** 0: not JSON; 1: JSON, not an object (null, an array, a scalar); 2: an object whose `exp` is not
 * a number; 3: an object with a numeric `exp` (`jwtExp(text)` reads it). */
export function jwtClaims(text) {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return 0;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return 1;
  return typeof v.exp === "number" ? 3 : 2;
}

/** The `exp` of a segment `jwtClaims` answered 3 for. (It takes the text, so that wasm-bindgen
 * calls it through the glue like the other imports, and keeps no state between the two calls.) */
export function jwtExp(text) {
  return JSON.parse(text).exp;
}
