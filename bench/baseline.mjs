// The bench's plain-JS baseline: the same validation rules and header building as keygate
// (README "Validation rules", src/validate.rs, src/providers/*.rs, src/headers.rs), written the
// obvious way in JavaScript with no wasm. It exists only to give `make bench` something to compare
// against; run.mjs checks that it agrees with keygate on a corpus before timing either.

// ------------------------------------------------------------------ character classes

// Rust's char::is_whitespace (Unicode White_Space); JS's \s differs (U+FEFF in, U+0085 out).
const WS = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const WS_START = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const WS_END = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;
// Rust's char::is_control (general category Cc).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NON_ASCII = /[^\u0000-\u007f]/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/=]*$/;
const ALNUM = /^[A-Za-z0-9]*$/;
const LOWER_HEX = /^[0-9a-f]*$/;
const ASCII_GRAPHIC = /^[\x21-\x7e]*$/;

// Fast path: a first (and last) character that is visible ASCII cannot be trimmed.
const visible = (c) => c > 0x20 && c < 0x7f;
const trimStart = (s) => (s.length && visible(s.charCodeAt(0)) ? s : s.replace(WS_START, ""));
const trim = (s) =>
  s.length && visible(s.charCodeAt(0)) && visible(s.charCodeAt(s.length - 1)) ? s : s.replace(WS_START, "").replace(WS_END, "");

function utf8Length(s) {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

// ------------------------------------------------------------------ providers as data

const KIND_WORDS = { api_key: "API key", jwt: "JWT", oauth_token: "OAuth token" };
const MAX_LEN = { api_key: 512, jwt: 4096, oauth_token: 4096 };
const TOKEN_CHARS = "token characters (A-Z a-z 0-9 - _ . ~ + / =)";
const TOKEN_CHARS_POSTIZ = "token characters (A-Z a-z 0-9 - . _ ~ + / =)";
const TOKEN68_CHARS = "token68 characters (A-Z a-z 0-9 - . _ ~ + / =)";
const B64URL_CHARS = "base64url characters (A-Z a-z 0-9 - _)";
const BEARER = { name: "Authorization", scheme: "Bearer" };

class Refusal {
  constructor(code, message) {
    this.code = code;
    this.message = message;
  }
}

const warn = (code, message) => ({ code, message });

function checkBody(body, alphabet, what) {
  if (!alphabet.test(body)) throw new Refusal("bad_charset", `the key may only contain ${what}`);
  if (body.length < 8) {
    throw new Refusal("too_short", `the key body (after any prefix) has ${body.length} characters; at least 8 are expected`);
  }
  return [];
}

function wrongPrefix(p, expected, input) {
  return wrongPrefixBecause(p, `${p.name} keys start with "${expected}"`, input);
}

function wrongPrefixBecause(p, first, input) {
  let message = first;
  const d = detect(input);
  if (d && d.provider !== p.id) {
    message += `; this looks like a ${PROVIDERS[d.provider].name} ${d.kind === "oauth_token" ? "OAuth token" : "key"}`;
  }
  return new Refusal("wrong_prefix", message);
}

// Unpadded base64url -> bytes, or null.
function b64urlDecode(s) {
  if (s.length % 4 === 1 || !BASE64URL.test(s)) return null;
  return Buffer.from(s, "base64url");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function jsonObject(segment, what) {
  const bytes = b64urlDecode(segment);
  if (bytes === null) throw `the ${what} is not base64url`;
  let v;
  try {
    v = JSON.parse(STRICT_UTF8.decode(bytes));
  } catch {
    v = undefined;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw `the ${what} is not a JSON object`;
  return v;
}

/** Decodes (never verifies) a JWT: `{ exp }` or throws the reason as a string. */
function jwtDecode(input) {
  const parts = input.split(".");
  if (parts.length !== 3) throw `expected three dot-separated segments, found ${parts.length}`;
  if (parts.some((p) => p === "")) throw "a segment is empty";
  jsonObject(parts[0], "header");
  const payload = jsonObject(parts[1], "payload");
  if (b64urlDecode(parts[2]) === null) throw "the signature is not base64url";
  return { exp: typeof payload.exp === "number" ? payload.exp : null };
}

function checkJwt(input) {
  try {
    jwtDecode(input);
  } catch (why) {
    throw new Refusal("bad_jwt", `not a JWT: ${why}`);
  }
  return [];
}

const sameKind = (kind) => kind;
const noFacts = () => null;

function powerpostParts(input) {
  if (!input.startsWith("pp_")) return null;
  const rest = input.slice(3);
  const i = rest.indexOf("_");
  if (i < 0) return [rest, null, null];
  const j = rest.indexOf("_", i + 1);
  if (j < 0) return [rest.slice(0, i), rest.slice(i + 1), null];
  return [rest.slice(0, i), rest.slice(i + 1, j), rest.slice(j + 1)];
}

const PROVIDERS = {
  poesius: {
    id: "poesius",
    name: "Poesius",
    envKey: "POESIUS_API_KEY",
    apiKeyPrefix: "pk_",
    oauthPrefix: null,
    kinds: ["api_key", "jwt", "oauth_token"],
    workspaceHeader: null,
    header: (kind) => (kind === "api_key" ? { name: "X-API-Key", scheme: null } : BEARER),
    kindFor: sameKind,
    facts: noFacts,
    redactPrefix: (input) => (input.startsWith("pk_") ? "pk_" : null),
    check(kind, input) {
      if (kind === "api_key") {
        if (input.startsWith("pk_")) return checkBody(input.slice(3), TOKEN68, TOKEN_CHARS);
        if (input.startsWith("eyJ") && input.split(".").length === 3) {
          throw new Refusal("wrong_prefix", 'Poesius API keys start with "pk_"; this looks like a JWT: pass it as kind "jwt"');
        }
        throw wrongPrefix(this, "pk_", input);
      }
      if (kind === "jwt") return checkJwt(input);
      if (input.startsWith("pk_")) {
        throw new Refusal("wrong_prefix", 'this is a Poesius API key (pk_), not an OAuth token: pass it as kind "api_key"');
      }
      return checkBody(input, TOKEN68, TOKEN68_CHARS);
    },
  },
  poelis: {
    id: "poelis",
    name: "Poelis",
    envKey: "POELIS_API_KEY",
    apiKeyPrefix: "poelis_api_",
    oauthPrefix: null,
    kinds: ["api_key"],
    workspaceHeader: null,
    header: () => BEARER,
    kindFor: sameKind,
    facts: noFacts,
    redactPrefix: (input) => (input.startsWith("poelis_api_") ? "poelis_api_" : null),
    check(_kind, input) {
      if (!input.startsWith("poelis_api_")) throw wrongPrefix(this, "poelis_api_", input);
      const warnings = checkBody(input.slice(11), BASE64URL, B64URL_CHARS);
      if (input.length < 40 || input.length > 60) {
        warnings.push(warn("unusual_length", `Poelis keys are typically 40-60 characters long; this one has ${input.length}`));
      }
      return warnings;
    },
  },
  powerpost: {
    id: "powerpost",
    name: "PowerPost",
    envKey: "POWERPOST_API_KEY",
    apiKeyPrefix: "pp_",
    oauthPrefix: null,
    kinds: ["api_key"],
    workspaceHeader: "X-Workspace-Id",
    header: (_kind, scheme) => (scheme === "bearer" ? BEARER : { name: "x-api-key", scheme: null }),
    kindFor: sameKind,
    facts(input) {
      const parts = powerpostParts(input);
      return parts && (parts[0] === "live" || parts[0] === "test") ? parts[0] : null;
    },
    redactPrefix(input) {
      const parts = powerpostParts(input);
      if (!parts) return null;
      const [env, sk, random] = parts;
      if (sk === "sk" && random !== null && (env === "live" || env === "test")) return `pp_${env}_sk_`;
      return "pp_";
    },
    check(_kind, input) {
      const parts = powerpostParts(input);
      if (!parts) throw wrongPrefix(this, "pp_live_sk_", input);
      const [env, sk, random] = parts;
      if (env !== "live" && env !== "test") {
        throw new Refusal("bad_env", 'PowerPost keys look like pp_live_sk_…: the environment part must be "live" (or "test", reserved)');
      }
      if (sk !== "sk") {
        throw new Refusal("not_secret_key", 'PowerPost API keys are secret keys: pp_{env}_sk_{random}; this one has no "sk" part');
      }
      const warnings = checkBody(random ?? "", BASE64URL, B64URL_CHARS);
      if (env === "test") {
        warnings.push(warn("test_key", "this is a PowerPost test key (pp_test_…): PowerPost reserves test keys for later; live calls may reject it"));
      }
      return warnings;
    },
  },
  postiz: {
    id: "postiz",
    name: "Postiz",
    envKey: "POSTIZ_API_KEY",
    apiKeyPrefix: null,
    oauthPrefix: "pos_",
    kinds: ["api_key", "oauth_token"],
    workspaceHeader: null,
    header: () => ({ name: "Authorization", scheme: null }),
    kindFor: (kind, trimmed) => (trimmed.startsWith("pos_") ? "oauth_token" : kind),
    facts: noFacts,
    redactPrefix: (input) => (input.startsWith("pos_") ? "pos_" : null),
    check(kind, input) {
      if (input.startsWith("pos_")) {
        const body = input.slice(4);
        const warnings = checkBody(body, TOKEN68, TOKEN_CHARS_POSTIZ);
        if (body.length !== 40 || !ALNUM.test(body)) {
          warnings.push(warn("unusual_format", "Postiz OAuth tokens are pos_ followed by 40 letters and digits; this one differs"));
        }
        return warnings;
      }
      if (kind === "oauth_token") {
        throw new Refusal("wrong_prefix", 'Postiz OAuth tokens start with "pos_"; pass an API key as kind "api_key"');
      }
      if (detect(input) !== null) throw wrongPrefixBecause(this, "Postiz API keys have no prefix (64 lowercase hex characters)", input);
      const warnings = checkBody(input, TOKEN68, TOKEN_CHARS_POSTIZ);
      if (input.length !== 64 || !LOWER_HEX.test(input)) {
        warnings.push(warn("unusual_format", "Postiz generates API keys of 64 lowercase hex characters; this one differs"));
      }
      return warnings;
    },
  },
};
const ALL = [PROVIDERS.poesius, PROVIDERS.poelis, PROVIDERS.powerpost, PROVIDERS.postiz];
// Every recognised prefix, longest first so `pos_` and `poelis_api_` never shadow each other.
const PREFIXES = ALL.flatMap((p) => [
  ...(p.apiKeyPrefix ? [{ prefix: p.apiKeyPrefix, provider: p.id, kind: "api_key" }] : []),
  ...(p.oauthPrefix ? [{ prefix: p.oauthPrefix, provider: p.id, kind: "oauth_token" }] : []),
]).sort((a, b) => b.prefix.length - a.prefix.length);

// ------------------------------------------------------------------ detection and redaction

/** `{ provider, kind }` for the longest recognised prefix, else null. */
function detect(input) {
  const s = trimStart(input);
  for (const d of PREFIXES) if (s.startsWith(d.prefix)) return d;
  return null;
}

function redactWith(prefix, input) {
  let len = input.length;
  let last = input.slice(Math.max(0, len - 4));
  if (NON_ASCII.test(input)) {
    // Count and cut by code points, as Rust's chars() does.
    const chars = Array.from(input);
    len = chars.length;
    last = chars.slice(Math.max(0, len - 4)).join("");
  }
  const tail = ASCII_GRAPHIC.test(last) ? last : null;
  if (prefix !== null) {
    return tail !== null && len - prefix.length >= 12 ? `${prefix}…${tail}` : `${prefix}…`;
  }
  return tail !== null && len >= 16 ? `…${tail}` : "…";
}

export function redact(input) {
  if (typeof input !== "string") return "…";
  const d = detect(input);
  return d ? redactWith(PROVIDERS[d.provider].redactPrefix(input), input) : redactWith(null, input);
}

export function detectProvider(input) {
  return typeof input === "string" ? (detect(input)?.provider ?? null) : null;
}

// ------------------------------------------------------------------ validation

const SCHEMES = ["bearer ", "basic ", "token ", "authorization:", "x-api-key:", "x-workspace-id:"];

function asciiLower16(s) {
  let out = "";
  let n = 0;
  for (const ch of s) {
    if (n++ === 16) break;
    const c = ch.charCodeAt(0);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
  }
  return out;
}

function sharedChecks(p, kind, input) {
  if (input.length === 0) throw new Refusal("empty", "no key was given");
  if (!p.kinds.includes(kind)) throw new Refusal("unsupported_kind", `${p.name} does not accept a ${KIND_WORDS[kind]}`);
  const bytes = input.length > MAX_LEN[kind] ? MAX_LEN[kind] + 1 : utf8Length(input);
  if (bytes > MAX_LEN[kind]) {
    throw new Refusal("too_long", `the input has ${utf8Length(input)} bytes; the limit for ${{ api_key: "API keys", jwt: "JWTs", oauth_token: "OAuth tokens" }[kind]} is ${MAX_LEN[kind]}`);
  }
  const trimmed = trim(input);
  if (trimmed === "") throw new Refusal("whitespace", "the input is only whitespace");
  const head = asciiLower16(trimmed);
  const scheme = SCHEMES.find((s) => head.startsWith(s));
  if (scheme !== undefined) {
    const shown = trimmed.slice(0, scheme.length).replace(WS_END, "");
    throw new Refusal("has_scheme", `remove the leading "${shown}": give only the key, keygate adds the header and scheme itself`);
  }
  if (WS.test(input)) {
    throw new Refusal(
      "whitespace",
      WS.test(trimmed)
        ? "the key contains whitespace or a line break inside it"
        : "the key has leading or trailing whitespace or a line break, a common paste error: trim it",
    );
  }
  if (CONTROL.test(input)) throw new Refusal("control_char", "the key contains a control character (such as NUL)");
  if (NON_ASCII.test(input)) {
    throw new Refusal("non_ascii", "the key contains a non-ASCII character (look for smart quotes or look-alike letters)");
  }
}

function validateAt(p, kindIn, input, clock) {
  const kind = p.kindFor(kindIn, trim(input));
  const redacted = redactWith(p.redactPrefix(input), input);
  let code = "ok";
  let message;
  let warnings;
  try {
    sharedChecks(p, kind, input);
    warnings = p.check(kind, input);
    if (kind === "jwt") {
      const now = clock();
      let exp = null;
      try {
        exp = jwtDecode(input).exp;
      } catch {
        exp = null;
      }
      if (exp !== null && exp < now) {
        warnings.push(warn("jwt_expired", "the JWT's exp claim is in the past (decoded without verifying); sign in again for a fresh token"));
      }
    }
    message = `looks like a valid ${p.name} ${KIND_WORDS[kind]}`;
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    code = e.code;
    message = e.message;
    warnings = [];
  }
  const ok = code === "ok";
  const out = { ok, provider: p.id, kind, code, message, redacted, warnings };
  const env = ok ? p.facts(input) : null;
  if (env !== null) out.env = env;
  return out;
}

const nowSecs = () => Math.floor(Date.now() / 1000);
const parseKind = (k) => (k === "api_key" || k === "jwt" || k === "oauth_token" ? k : null);

/** `validateKey(provider, key, kind = "api_key")`: never throws, never echoes the key. */
export function validateKey(provider, key, kind) {
  const k = kind === undefined || kind === null ? "api_key" : parseKind(kind);
  const p = typeof provider === "string" && Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider] : null;
  const shell = (pid, kd, code, message, redacted) => ({ ok: false, provider: pid, kind: kd, code, message, redacted, warnings: [] });
  if (typeof key !== "string") {
    return key === undefined || key === null
      ? shell(p?.id ?? null, k ?? "api_key", "empty", "no key was given", "…")
      : shell(p?.id ?? null, k ?? "api_key", "not_a_string", `the key must be a string, not ${typeof key}`, "…");
  }
  if (p === null) {
    return shell(null, "api_key", "unknown_provider", 'provider must be one of "poesius", "poelis", "powerpost", "postiz"', redact(key));
  }
  if (k === null) return shell(p.id, "api_key", "unsupported_kind", 'kind must be "api_key", "jwt" or "oauth_token"', redact(key));
  return validateAt(p, k, key, nowSecs);
}

// ------------------------------------------------------------------ headers

export class BaselineError extends Error {
  constructor(name, code, message, provider = null) {
    super(message);
    this.name = name;
    this.code = code;
    this.provider = provider;
  }
}

const own = (o, k) => (Object.hasOwn(o, k) ? o[k] : undefined);
const absent = (v) => v === undefined || v === null;

function optString(o, k, provider) {
  const v = own(o, k);
  if (absent(v)) return null;
  if (typeof v !== "string") throw new BaselineError("ConfigError", "invalid_option", `${k} must be a string, not ${typeof v}`, provider);
  return v;
}

// HeaderValue::new: visible ASCII with single inner spaces, no leading/trailing space.
const headerValueOk = (v) => v !== "" && /^[\x20-\x7e]+$/.test(v) && v[0] !== " " && v[v.length - 1] !== " " && !v.includes("  ");

function redactHeaderMap(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    const sp = value.indexOf(" ");
    if (sp >= 0 && value.slice(0, sp).toLowerCase() === "bearer") out[name] = `${value.slice(0, sp)} ${redact(value.slice(sp + 1))}`;
    else if (name.toLowerCase() === "x-workspace-id") out[name] = value;
    else out[name] = redact(value);
  }
  return out;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** `buildHeaders({ provider, apiKey | jwt | oauthToken, scheme?, workspaceId? })`. */
export function buildHeaders(opts) {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    // keygate's JS boundary wording (pkg/src/core.js), so the agreement check compares like with like.
    if (Array.isArray(opts)) throw new BaselineError("ConfigError", "invalid_option", "buildHeaders(options) must be an object, not an array");
    throw new BaselineError("ConfigError", "invalid_option", `buildHeaders(options): options must be an object, not ${opts === null ? "null" : typeof opts}`);
  }
  const pid = own(opts, "provider");
  const p = typeof pid === "string" && Object.hasOwn(PROVIDERS, pid) ? PROVIDERS[pid] : null;
  if (p === null) throw new BaselineError("ConfigError", "unknown_provider", 'provider must be one of "poesius", "poelis", "powerpost", "postiz"');
  let found = null;
  for (const [name, kind] of [["apiKey", "api_key"], ["jwt", "jwt"], ["oauthToken", "oauth_token"]]) {
    const v = own(opts, name);
    if (absent(v)) continue;
    if (typeof v !== "string") throw new BaselineError("KeyFormatError", "not_a_string", `${name} must be a string, not ${typeof v}`, p.id);
    if (found !== null) throw new BaselineError("ConfigError", "ambiguous_credential", "give exactly one of apiKey, jwt or oauthToken", p.id);
    found = [kind, v];
  }
  if (found === null) {
    throw new BaselineError("KeyFormatError", "empty", `no credential: pass apiKey (or jwt / oauthToken), e.g. from ${p.envKey}`, p.id);
  }
  const v = validateAt(p, found[0], found[1], nowSecs);
  if (!v.ok) throw new BaselineError("KeyFormatError", v.code, `${v.message} (${v.redacted})`, p.id);
  const s = optString(opts, "scheme", p.id);
  let scheme;
  if (s === null || s === "default") scheme = "default";
  else if (s === "bearer" || s === "Bearer") scheme = "bearer";
  else throw new BaselineError("ConfigError", "invalid_option", 'scheme must be "default" or "bearer"', p.id);
  const ws = optString(opts, "workspaceId", p.id);
  const rule = p.header(v.kind, scheme);
  const value = rule.scheme ? `${rule.scheme} ${found[1]}` : found[1];
  if (!headerValueOk(value)) throw new BaselineError("KeyFormatError", "bad_charset", "the credential cannot be put in a header", p.id);
  const headers = { [rule.name]: value };
  if (p.workspaceHeader !== null && ws !== null) {
    if (utf8Length(ws) > 256) throw new BaselineError("ConfigError", "invalid_workspace_id", "the workspace id is longer than 256 characters", p.id);
    if (!headerValueOk(ws) || ws.includes(" ")) {
      throw new BaselineError("ConfigError", "invalid_workspace_id", "the workspace id must be 1-256 visible ASCII characters without spaces", p.id);
    }
    headers[p.workspaceHeader] = ws;
  }
  // The same display guards keygate's JS layer puts on its result.
  const shown = () => redactHeaderMap(headers);
  for (const [k, fn] of [["toJSON", shown], ["toString", () => JSON.stringify(shown())], [INSPECT, shown]]) {
    Object.defineProperty(headers, k, { value: fn, enumerable: false });
  }
  return headers;
}
