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

/**
 * Replace every credential-looking substring, and every exact occurrence of a
 * known secret, with its redacted form.
 * @param {string} text
 * @param {Iterable<string>} [secrets] exact secrets to scrub (configured keys)
 */
export function scrubText(text, secrets = []) {
  let out = String(text ?? "");
  for (const secret of secrets) {
    if (typeof secret === "string" && secret.length >= 6 && out.includes(secret)) {
      out = out.split(secret).join(redactSecret(secret));
    }
  }
  for (const re of PATTERNS) out = out.replace(re, (m) => (m.includes("…") ? m : redactSecret(m)));
  return out;
}

/** A copy of a Node header object with every credential redacted. */
export function redactHeaders(headers, secrets = []) {
  const out = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    const values = Array.isArray(raw) ? raw : [raw];
    const redacted = values.map((v) =>
      CREDENTIAL_HEADERS.has(lower) ? redactCredentialValue(v) : scrubText(v, secrets),
    );
    out[lower] = Array.isArray(raw) ? redacted : redacted[0];
  }
  return out;
}
