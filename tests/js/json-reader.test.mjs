// The wasm reads JSON (error bodies, `retryAfter`, JWT claims) with the host's JSON.parse
// (crates/keygate-wasm/src/host_json.rs, issue 19) instead of the core's own parser: the same
// documents must give the same results. The expected results in fixtures/json-reader-expected.json
// were recorded from the package built with the core's parser (before the change), for edge
// cases of the grammar: duplicate keys, a byte-order mark, nesting at and past the depth limit,
// invalid UTF-8, lone and broken surrogate escapes, huge and odd numbers, trailing text. Both
// `keygate` and `keygate/validate` (JWT claims) are checked. No network: a stand-in fetch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as keygate from "keygate";
import validate from "keygate/validate";

const EXPECTED = JSON.parse(readFileSync(new URL("./fixtures/json-reader-expected.json", import.meta.url), "utf8"));

const enc = (s) => new TextEncoder().encode(s);
const cat = (...parts) => { const out = []; for (const p of parts) out.push(...(typeof p === "string" ? enc(p) : p)); return new Uint8Array(out); };
const nest = (k) => "[".repeat(k) + "1" + "]".repeat(k);
const BODIES = {
  dup: enc('{"message":"first","message":"last"}'),
  bom: cat([0xef, 0xbb, 0xbf], '{"message":"bom"}'),
  deep63: enc(`{"message":"deep63","d":${nest(63)}}`),
  deep64: enc(`{"message":"deep64","d":${nest(64)}}`),
  deepobj: enc(`{"message":"deepobj","d":${'{"a":'.repeat(63)}1${"}".repeat(63)}}`),
  deepobj64: enc(`{"message":"deepobj64","d":${'{"a":'.repeat(64)}1${"}".repeat(64)}}`),
  badutf8: cat('{"message":"bad', [0xff], '"}'),
  lone: enc('{"message":"a\\ud800b"}'),
  lonelow: enc('{"message":"a\\udc00b"}'),
  pair: enc('{"message":"x\\ud83d\\ude00y"}'),
  badpair: enc('{"message":"x\\ud800\\u0041y"}'),
  inf: enc('{"message":"inf","n":1e400}'),
  ws: enc(' \n\t{"message":"ws"}\r\n '),
  trailing: enc('{"message":"t"} x'),
  nul: enc('{"message":"a\\u0000b"}'),
  rawctl: cat('{"message":"a', [0x01], 'b"}'),
  del: cat('{"message":"a', [0x7f], 'b"}'),
  leadzero: enc('{"message":"lz","n":01}'),
  proto: enc('{"__proto__":{"message":"proto"}}'),
  protomsg: enc('{"__proto__":"x","message":"pm"}'),
  numkey: enc('{"2":1,"message":"nk","1":2}'),
  nested: enc('{"error":{"message":"nested","code":"E1"}}'),
  errors: enc('{"errors":[{"message":"from errors"}]}'),
  detail: enc('{"detail":[{"msg":"from detail"}]}'),
  codeNum: enc('{"message":"cn","code":42}'),
  escapes: enc('{"message":"q\\"b\\\\s\\/f\\b\\f\\n\\r\\tz"}'),
  badesc: enc('{"message":"a\\xb"}'),
  bighex: enc('{"message":"\\u00e9t\\u00C9"}'),
  emptykey: enc('{"":1,"message":"ek"}'),
  notobj: enc('"just a string"'),
  arr: enc('[{"message":"arr"}]'),
  trueLit: enc('{"message":"tl","x":tru}'),
  neg0: enc('{"message":"n0","x":-0}'),
  exp: enc('{"message":"e","x":1E+2,"y":1e-2,"z":-1.5e3}'),
  dotnum: enc('{"message":"dn","x":1.}'),
  plus: enc('{"message":"pl","x":+1}'),
  long: enc(`{"message":"${"w".repeat(400)}"}`),
};
const RETRY = {
  whole: '{"retryAfter":2}', frac: '{"retryAfter":2.5}', exp: '{"retryAfter":3e0}', big: '{"retryAfter":1e308}',
  inf: '{"retryAfter":1e400}', str: '{"retryAfter":"4"}', nested: '{"error":{"retryAfter":5}}', neg: '{"retryAfter":-1}',
  near: '{"retryAfter":2.9999999999999999}', tiny: '{"retryAfter":0.1e1}', many: '{"retryAfter":100000000000000000000000}',
};
const b64 = (s) => Buffer.from(s).toString("base64url");
const JWTS = {
  expired: `${b64('{"alg":"HS256"}')}.${b64('{"exp":1000}')}.c2ln`,
  future: `${b64('{"alg":"HS256"}')}.${b64('{"exp":4102444800}')}.c2ln`,
  bomhead: `${b64('\ufeff{"alg":"HS256"}')}.${b64('{"exp":1000}')}.c2ln`,
  arrhead: `${b64('[1]')}.${b64('{"exp":1000}')}.c2ln`,
  deep: `${b64('{"alg":"HS256"}')}.${b64(`{"exp":1000,"d":${"[".repeat(64)}1${"]".repeat(64)}}`)}.c2ln`,
  dupexp: `${b64('{"alg":"HS256"}')}.${b64('{"exp":4102444800,"exp":1000}')}.c2ln`,
  strexp: `${b64('{"alg":"HS256"}')}.${b64('{"exp":"1000"}')}.c2ln`,
  badutf: `${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString("base64url")}.${b64('{"exp":1000}')}.c2ln`,
};
async function run(api) {
  const out = {};
  for (const [name, body] of Object.entries(BODIES)) {
    for (const status of [400, 401]) {
      const fetch = async () => new Response(body, { status, headers: { "content-type": "application/json" } });
      const c = new api.Client({ provider: "poelis", apiKey: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE", baseUrl: "http://127.0.0.1:9/v1", fetch, maxRetries: 0 });
      const e = await c.request({ path: "/x" }).then(() => null, (x) => x);
      out[`${name}@${status}`] = e && { name: e.name, code: e.code, message: e.message, providerCode: e.providerCode };
    }
  }
  for (const [name, body] of Object.entries(RETRY)) {
    const fetch = async () => new Response(body, { status: 429, headers: { "content-type": "application/json" } });
    const c = new api.Client({ provider: "poelis", apiKey: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE", baseUrl: "http://127.0.0.1:9/v1", fetch, maxRetries: 0 });
    const e = await c.request({ path: "/x" }).then(() => null, (x) => x);
    out[`retry:${name}`] = e && { code: e.code, retryAfterMs: e.retryAfterMs };
  }
  for (const [name, jwt] of Object.entries(JWTS)) out[`jwt:${name}`] = api.validateKey("poesius", jwt, "jwt");
  return out;
}

test("JSON documents read through the host give the results of the core's own reader", { timeout: 30_000 }, async () => {
  const got = JSON.parse(JSON.stringify(await run(keygate)));
  assert.deepEqual(Object.keys(got).sort(), Object.keys(EXPECTED).sort());
  for (const k of Object.keys(EXPECTED)) assert.deepEqual(got[k], EXPECTED[k], k);
});

// keygate/validate reads a JWT segment with a reader of its own (crates/keygate-validate: only
// "is it an object" and a numeric `exp` cross into the core, and nesting is counted on the text):
// these segments probe that reader where it differs from the full one, with the full package as
// the oracle (its reader is held to the core's parser above).
const HS = b64('{"alg":"HS256"}');
const deepArr = (k) => `{"exp":1000,"d":${nest(k)}}`;
const deepEmpty = (k) => `{"exp":1000,"d":${"[".repeat(k)}${"]".repeat(k)}}`;
const deepObj = (k) => `{"exp":1000,"d":${'{"a":'.repeat(k)}1${"}".repeat(k)}}`;
const PAYLOADS = {
  arr63: deepArr(63), arr64: deepArr(64), empty64: deepEmpty(64), empty65: deepEmpty(65),
  obj63: deepObj(63), obj64: deepObj(64), objkey: `{"exp":1000,"d":${'{"a":'.repeat(63)}{"k":1}${"}".repeat(63)}}`,
  strBrackets: `{"exp":1000,"s":"${"[".repeat(100)}"}`, escQuote: `{"exp":1000,"s":"a\\"${"{".repeat(80)}"}`,
  escBackslash: `{"s":"a\\\\","exp":1000}`, nestedExp: '{"d":{"exp":1000}}', nullExp: '{"exp":null}',
  trueExp: '{"exp":true}', arrExp: '{"exp":[1000]}', objExp: '{"exp":{"v":1000}}', infExp: '{"exp":1e400}',
  negExp: '{"exp":-5}', fracExp: '{"exp":1000.5}', escKey: '{"\\u0065xp":1000}', spaced: ' \t{ "exp" :\n1000 }\r\n',
  protoExp: '{"__proto__":{"exp":1000}}', protoThenExp: '{"__proto__":null,"exp":1000}', loneKey: '{"\\ud800":1,"exp":1000}',
  nullDoc: "null", strDoc: '"exp"', numDoc: "1000", arrDoc: '[{"exp":1000}]', emptyObj: "{}", trailingComma: '{"exp":1000,}',
};
test("keygate/validate's JWT reader agrees with the full package's on the edges of its shortcut", () => {
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    for (const [where, jwt] of [["payload", `${HS}.${b64(payload)}.c2ln`], ["header", `${b64(payload)}.${b64('{"exp":1000}')}.c2ln`]]) {
      const want = keygate.validateKey("poesius", jwt, "jwt");
      assert.deepEqual(validate.validateKey("poesius", jwt, "jwt"), want, `${name} (${where})`);
      const opts = { provider: "poesius", jwt };
      const headers = (f) => { try { return { ok: f.buildHeaders(opts) }; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
      assert.deepEqual(JSON.parse(JSON.stringify(headers(validate))), JSON.parse(JSON.stringify(headers(keygate))), `buildHeaders ${name} (${where})`);
    }
  }
  // The cases split both ways (a table that cannot pass by always answering the same).
  const codes = new Set(Object.values(PAYLOADS).map((p) => validate.validateKey("poesius", `${HS}.${b64(p)}.c2ln`, "jwt").code));
  assert.ok(codes.has("bad_jwt") && codes.has("ok"), [...codes].join());
  assert.equal(validate.validateKey("poesius", `${HS}.${b64(PAYLOADS.arr64)}.c2ln`, "jwt").code, "bad_jwt");
  assert.equal(validate.validateKey("poesius", `${HS}.${b64(PAYLOADS.empty64)}.c2ln`, "jwt").code, "ok");
});

test("keygate/validate reads JWT claims as the full package did", () => {
  for (const [name, jwt] of Object.entries(JWTS)) {
    assert.deepEqual(validate.validateKey("poesius", jwt, "jwt"), EXPECTED[`jwt:${name}`], name);
  }
});
