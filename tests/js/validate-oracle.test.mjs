// keygate/validate's wasm takes only strings (issue 19: no JS value crosses, so no JS value table is
// linked): pkg/src/validate-core.js passes each caller value as its text and its type name. The
// full package, whose wasm reads the values as JS values, is the oracle: every function, every
// value of every type in every argument and option, must give the same result or the same error.
// The expected outcomes are not written out here; they are the full package's, computed in the
// same run (and tests/runtimes runs the contract's own validation table against both).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as full from "keygate";
import small from "keygate/validate";

const KEYS = {
  poesius: "pk_live0123456789abcdefXYZ",
  poelis: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
  powerpost: "pp_live_sk_a1B2c3D4e5F6g7H8i9J0",
  postiz: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
};
const b64 = (s) => Buffer.from(s).toString("base64url");
const JWT = `${b64('{"alg":"HS256"}')}.${b64('{"exp":1000}')}.c2ln`;
// Every JS type, the separators the packed results use, a lone surrogate and an astral character.
const VALUES = [
  undefined, null, 0, -1.5, NaN, true, false, 10n, Symbol("s"), {}, [], ["pk_x"], () => "pk_x",
  new String("pk_live0123456789abcdefXYZ"), "", " ", "\u001f", "\u001e", "a\u001fb", "\ud800", "pk_😀😀😀😀😀😀😀😀😀",
  "string", "undefined", "object", JWT, ...Object.values(KEYS), `Bearer ${KEYS.poelis}`, "pos_" + "a".repeat(40),
];
const PROVIDERS = ["poesius", "poelis", "powerpost", "postiz", "acme", "Poelis", "", 5, null, undefined, {}];
const KINDS = [undefined, null, "api_key", "jwt", "oauth_token", "apiKey", "", 3, {}, Symbol("k")];

// How a value is named in a failure message: strings redacted (the table holds key-shaped values).
const name = (v) => (typeof v === "string" ? JSON.stringify(full.redact(v)) : typeof v === "symbol" ? v.toString() : typeof v === "bigint" ? `${v}n` : typeof v === "function" ? "fn" : JSON.stringify(v) ?? String(v));
const outcome = (f) => {
  try {
    const r = f();
    return { ok: r instanceof Headers ? [...r.entries()] : r && typeof r === "object" ? { ...r } : r };
  } catch (e) {
    return { threw: { name: e.name, code: e.code, message: e.message, provider: e.provider } };
  }
};

test("validateKey: every provider, key and kind value gives the full package's result", () => {
  let n = 0;
  for (const p of PROVIDERS) for (const k of VALUES) for (const kind of KINDS) {
    const args = kind === undefined ? [p, k] : [p, k, kind];
    assert.deepEqual(outcome(() => small.validateKey(...args)), outcome(() => full.validateKey(...args)), `validateKey(${args.map(name).join(", ")})`);
    n++;
  }
  assert.equal(n, PROVIDERS.length * VALUES.length * KINDS.length);
});

test("detectProvider and redact: every value gives the full package's result", () => {
  for (const v of VALUES) {
    assert.deepEqual(outcome(() => small.detectProvider(v)), outcome(() => full.detectProvider(v)), `detectProvider(${name(v)})`);
    assert.deepEqual(outcome(() => small.redact(v)), outcome(() => full.redact(v)), `redact(${name(v)})`);
  }
  // Results that are not all the same, so the comparison above compares something.
  assert.equal(new Set(VALUES.map((v) => small.detectProvider(v)).filter(Boolean)).size, 4);
});

test("buildHeaders: every value in every option gives the full package's headers or error", () => {
  const seen = new Set();
  for (const [provider, key] of Object.entries(KEYS)) {
    const base = { provider, apiKey: key, ...(provider === "powerpost" ? { workspaceId: "ws_1" } : {}) };
    for (const field of ["provider", "apiKey", "jwt", "oauthToken", "scheme", "workspaceId"]) {
      for (const v of [...VALUES, "bearer", "default", "basic"]) {
        // The jwt and oauthToken options alone, and next to apiKey (ambiguous when both are given).
        const alone = field === "jwt" || field === "oauthToken";
        for (const keep of alone ? [false, true] : [true]) {
          const opts = { ...base, [field]: v };
          if (!keep) delete opts.apiKey;
          for (const as of [undefined, { as: "headers" }]) {
            const want = outcome(() => full.buildHeaders(opts, as));
            assert.deepEqual(outcome(() => small.buildHeaders(opts, as)), want, `buildHeaders({ ${field}: ${name(v)}${keep ? "" : ", no apiKey"} }) for ${provider}`);
            seen.add(want.threw ? want.threw.code : "ok");
          }
        }
      }
    }
  }
  // The table reaches each kind of answer: headers, and the errors of each rule.
  for (const code of ["ok", "unknown_provider", "not_a_string", "ambiguous_credential", "invalid_option", "invalid_workspace_id", "empty"]) {
    assert.ok(seen.has(code), `no case gave ${code}`);
  }
});

test("redactHeader-backed display of buildHeaders results matches the full package's", () => {
  for (const [provider, key] of Object.entries(KEYS)) {
    for (const scheme of ["default", "bearer"]) {
      const opts = { provider, apiKey: key, scheme, ...(provider === "powerpost" ? { workspaceId: "ws_1" } : {}) };
      const a = outcome(() => JSON.stringify(small.buildHeaders(opts)));
      assert.deepEqual(a, outcome(() => JSON.stringify(full.buildHeaders(opts))), `${provider} ${scheme}`);
      if (a.ok) assert.ok(!a.ok.includes(key.slice(-12)), `${provider}: the key is shown`);
    }
  }
});
