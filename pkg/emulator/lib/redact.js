// Redaction of credentials for anything the emulator logs or exposes.
// A redacted value keeps a recognised prefix and the last four characters:
// `pp_live_sk_…9f2c`. Short values keep only the prefix.

const KNOWN_PREFIXES = ["poelis_api_", "pp_live_sk_", "pp_test_sk_", "pp_", "pk_", "pos_", "eyJ"];

/** Header names whose values are credentials whatever they look like. */
export const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "cookie",
  "set-cookie",
]);

/** Redact one credential string. Never returns the input unless it is empty. */
export function redactSecret(value) {
  const s = String(value ?? "");
  if (s === "") return "";
  const prefix = KNOWN_PREFIXES.find((p) => s.startsWith(p)) ?? "";
  const body = s.slice(prefix.length);
  if (body.length < 12) return `${prefix}…`;
  return `${prefix}…${s.slice(-4)}`;
}

/** Redact an Authorization-style value, keeping its scheme word (`Bearer`). */
export function redactCredentialValue(value) {
  const s = String(value ?? "");
  const m = /^([A-Za-z][A-Za-z0-9_-]*)(\s+)(\S.*)$/s.exec(s);
  if (m && /^(bearer|basic|token|digest)$/i.test(m[1])) return `${m[1]} ${redactSecret(m[3])}`;
  return redactSecret(s);
}

// Shapes that look like one of the providers' credentials, anywhere in a string.
const PATTERNS = [
  /poelis_api_[A-Za-z0-9_-]{4,}/g,
  /pp_[A-Za-z]+_sk_[A-Za-z0-9_-]{4,}/g,
  /\bpk_[A-Za-z0-9_-]{4,}/g,
  /\bpos_[A-Za-z0-9]{8,}/g,
  /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  /\b[a-f0-9]{32,}\b/gi,
];

// An auth scheme word and its credential, in any header or URL: the credential goes whole.
const SCHEME_VALUE = /\b(Bearer|Basic|Token|Digest|ApiKey)(\s+|%20|\+)([A-Za-z0-9._~+/=%-]{6,})/gi;

/** Header names that carry a credential (beyond CREDENTIAL_HEADERS): the value is redacted whole. */
const CREDENTIAL_NAME = /auth|token|secret|passw|api[-_]?key|session|signature|credential|cookie|jwt|bearer/i;

/** Query parameter names whose value is a credential whatever it looks like. */
const CREDENTIAL_PARAM = /^(key|code|sig|auth|access|client[-_]?secret)$|auth|token|secret|passw|api[-_]?key|session|signature|credential|jwt|bearer/i;

/** Printable runs of base64 that stand for `bytes` wherever they sit in a longer base64 text. */
function base64Cores(bytes) {
  const out = [];
  for (let a = 0; a < 3; a += 1) {
    const enc = Buffer.concat([Buffer.alloc(a), bytes]).toString("base64");
    const start = Math.ceil((8 * a) / 6);
    const end = Math.floor((8 * (a + bytes.length)) / 6);
    const core = enc.slice(start, end);
    out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

const formsCache = new Map();

/**
 * Every form of `secret` that must never be shown: the value itself, its body without a known
 * prefix, URL-encoded, and base64/base64url wherever it sits in a longer encoded text (so
 * `Basic base64(key:)`, `base64(user:key)` and the like are covered). Longest first.
 */
export function secretForms(secret) {
  const s = String(secret ?? "");
  if (s.length < 8) return [];
  let forms = formsCache.get(s);
  if (forms) return forms;
  const set = new Set([s, encodeURIComponent(s)]);
  const prefix = KNOWN_PREFIXES.find((p) => p !== "eyJ" && s.startsWith(p));
  if (prefix && s.length - prefix.length >= 8) {
    const body = s.slice(prefix.length);
    set.add(body);
    set.add(encodeURIComponent(body));
  }
  for (const core of base64Cores(Buffer.from(s))) if (core.length >= 8) set.add(core);
  forms = [...set].filter((f) => f.length >= 8).sort((x, y) => y.length - x.length);
  if (formsCache.size > 1000) formsCache.clear();
  formsCache.set(s, forms);
  return forms;
}

/**
 * The credentials a request presents: the token of `Authorization`/`Proxy-Authorization` (and for
 * `Basic`, the decoded user and password), the whole value, and `X-API-Key`.
 */
export function presentedSecrets(headers) {
  const out = new Set();
  const add = (v) => {
    const s = String(v ?? "").trim();
    if (s.length >= 8) out.add(s);
  };
  for (const name of ["authorization", "proxy-authorization", "x-api-key"]) {
    const raw = headers?.[name];
    for (const value of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) {
      const v = String(value);
      add(v);
      const m = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s+(\S+)\s*$/.exec(v);
      if (!m) continue;
      add(m[2]);
      if (m[1].toLowerCase() === "basic") {
        const decoded = Buffer.from(m[2], "base64").toString("utf8");
        const i = decoded.indexOf(":");
        if (i >= 0) {
          add(decoded.slice(0, i));
          add(decoded.slice(i + 1));
        }
      }
    }
  }
  return [...out];
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/**
 * Replace every exact occurrence of a known secret (in any of its forms), every `scheme value`
 * pair, and every credential-looking substring, with a redacted form.
 * @param {string} text
 * @param {Iterable<string>} [secrets] exact secrets to scrub (configured keys, presented credentials)
 */
export function scrubText(text, secrets = []) {
  let out = String(text ?? "");
  for (const secret of secrets) {
    if (typeof secret !== "string") continue;
    for (const form of secretForms(secret)) {
      if (out.includes(form)) out = out.split(form).join(form === secret ? redactSecret(secret) : "…");
    }
  }
  out = out.replace(SCHEME_VALUE, (m, scheme, space) => `${scheme}${space}…`);
  for (const re of PATTERNS) out = out.replace(re, (m) => (m.includes("…") ? m : redactSecret(m)));
  return out;
}

/** Scrub a text that may be URL-encoded: if its decoded form holds a secret, the scrubbed decoded form. */
function scrubEncoded(text, secrets) {
  const raw = scrubText(text, secrets);
  const decoded = safeDecode(text);
  if (decoded === text) return raw;
  const clean = scrubText(decoded, secrets);
  return clean === decoded ? raw : clean;
}

/**
 * A request target (path and query) with every secret redacted: path segments and query values
 * are checked raw and decoded, and the value of a credential-named parameter (`api_key`, `token`,
 * `access_token`, …) is dropped whatever it looks like.
 */
export function scrubUrl(target, secrets = []) {
  const s = String(target ?? "");
  const q = s.indexOf("?");
  const path = q < 0 ? s : s.slice(0, q);
  const query = q < 0 ? null : s.slice(q + 1);
  const cleanPath = path.split("/").map((seg) => scrubEncoded(seg, secrets)).join("/");
  if (query === null) return cleanPath;
  const cleanQuery = query
    .split("&")
    .map((pair) => {
      const i = pair.indexOf("=");
      const name = i < 0 ? pair : pair.slice(0, i);
      const cleanName = scrubEncoded(name, secrets);
      if (i < 0) return cleanName;
      if (CREDENTIAL_PARAM.test(safeDecode(name))) return `${cleanName}=…`;
      return `${cleanName}=${scrubEncoded(pair.slice(i + 1), secrets)}`;
    })
    .join("&");
  return `${cleanPath}?${cleanQuery}`;
}

/** A copy of a Node header object with every credential redacted. */
export function redactHeaders(headers, secrets = []) {
  const out = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    const values = Array.isArray(raw) ? raw : [raw];
    const wholly = CREDENTIAL_HEADERS.has(lower) || (CREDENTIAL_NAME.test(lower) && lower !== "idempotency-key");
    const redacted = values.map((v) => (wholly ? redactCredentialValue(v) : scrubEncoded(String(v), secrets)));
    out[lower] = Array.isArray(raw) ? redacted : redacted[0];
  }
  return out;
}

/**
 * A scrubber bound to one request: the configured secrets plus the credentials that request
 * presented, applied to text, URLs and header maps.
 */
export function createScrubber(configured, headers) {
  const secrets = [...presentedSecrets(headers), ...configured];
  return {
    secrets,
    text: (v) => (v === null || v === undefined ? v : scrubEncoded(String(v), secrets)),
    url: (v) => scrubUrl(v, secrets),
    headers: (h) => redactHeaders(h, secrets),
  };
}
