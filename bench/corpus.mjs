// Inputs shared by the bench processes. Every key here is a made-up example of the right shape.

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const jwt = (payload) => `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}.${Buffer.from("not-a-real-signature-0123456789").toString("base64url")}`;

export const KEYS = {
  poesius: "pk_test0123456789abcdefSECRET",
  poelis: "poelis_api_yyRCEbuLi8ugnBWNixCZQL4xKlLKBh-Gi_6zFf4CCIE",
  powerpost: "pp_live_sk_a1B2c3D4e5F6g7H8i9J0SECRET",
  postiz: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  postizOauth: "pos_abcdefghijABCDEFGHIJ0123456789klmnopqrst",
  jwt: jwt({ sub: "user-1", exp: 4102444800 }),
  jwtExpired: jwt({ sub: "user-1", exp: 1000000000 }),
};

/** The mix timed by the throughput and memory figures: mostly valid keys, some typical mistakes. */
export const VALIDATE_MIX = [
  ["poesius", KEYS.poesius],
  ["poelis", KEYS.poelis],
  ["powerpost", KEYS.powerpost],
  ["postiz", KEYS.postiz],
  ["postiz", KEYS.postizOauth],
  ["poesius", KEYS.jwt, "jwt"],
  ["powerpost", "pp_test_sk_a1B2c3D4e5F6g7H8i9J0SECRET"],
  ["poesius", "oauthAccessToken0123456789", "oauth_token"],
  ["poelis", `Bearer ${KEYS.poelis}`],
  ["powerpost", "pp_prod_sk_a1B2c3D4e5F6g7H8i9J0SECRET"],
  ["postiz", KEYS.poesius],
  ["poelis", `${KEYS.poelis}\n`],
];

/** buildHeaders options timed by the throughput figure (all valid: the common path). */
export const HEADER_MIX = [
  { provider: "poesius", apiKey: KEYS.poesius },
  { provider: "poelis", apiKey: KEYS.poelis },
  { provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: "ws_123" },
  { provider: "powerpost", apiKey: KEYS.powerpost, scheme: "bearer" },
  { provider: "postiz", apiKey: KEYS.postiz },
  { provider: "postiz", oauthToken: KEYS.postizOauth },
  { provider: "poesius", jwt: KEYS.jwt },
];

/** Wider set used only to check that the baseline agrees with keygate before timing it. */
export const VALIDATE_AGREEMENT = [
  ...VALIDATE_MIX,
  ["poesius", KEYS.jwtExpired, "jwt"],
  ["poesius", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"],
  ["poesius", "a.b", "jwt"],
  ["poesius", "eyJ4Ijox.W10.c2ln", "jwt"],
  ["poesius", KEYS.poesius, "oauth_token"],
  ["poesius", "pk_short"],
  ["poesius", "pk_bad!chars#here"],
  ["poesius", "pk_your_api_key_here"],
  ["poelis", "poelis_api_short"],
  ["poelis", "poelis_api_abcdefgh"],
  ["poelis", "<poelis_api_YOUR_KEY_HERE>"],
  ["poelis", KEYS.powerpost],
  ["poelis", KEYS.jwt, "jwt"],
  ["powerpost", "pp_live_pk_a1B2c3D4e5F6g7H8"],
  ["powerpost", "pp_live"],
  ["powerpost", "pp_live_sk_"],
  ["powerpost", "pp_live_sk_abc_def_ghi_jkl"],
  ["powerpost", "pp_live_sk_YOUR_KEY_HERE"],
  ["powerpost", KEYS.poelis],
  ["postiz", "YOUR_API_KEY"],
  ["postiz", "pos_short"],
  ["postiz", KEYS.postizOauth, "api_key"],
  ["postiz", "plainToken123", "oauth_token"],
  ["postiz", KEYS.powerpost],
  ["postiz", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"],
  ["poesius", ""],
  ["poesius", "   "],
  ["poesius", " pk_test0123456789abcdef"],
  ["poesius", "pk_test 0123456789abcdef"],
  ["poesius", "pk_test\u00a00123456789abcdef"],
  ["poesius", "pk_test\u00000123456789abcdef"],
  ["poesius", "pk_test\u201c0123456789abcdef"],
  ["poesius", "Authorization: pk_test0123456789abcdef"],
  ["poesius", "X-API-Key:pk_test0123456789abcdef"],
  ["poesius", "TOKEN pk_test0123456789abcdef"],
  ["poesius", `pk_${"a".repeat(600)}`],
  ["poesius", `pk_${"é".repeat(300)}`],
  ["poesius", KEYS.poesius, "password"],
  ["nope", KEYS.poesius],
  ["poesius", undefined],
  ["poesius", null],
  ["poesius", 42],
  ["poesius", { key: 1 }],
];

export const HEADER_AGREEMENT = [
  ...HEADER_MIX,
  { provider: "poelis", apiKey: "nope" },
  { provider: "poelis" },
  { provider: "poelis", apiKey: KEYS.poelis, jwt: KEYS.jwt },
  { provider: "poelis", apiKey: 7 },
  { provider: "powerpost", apiKey: KEYS.powerpost, scheme: "digest" },
  { provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: "has space" },
  { provider: "powerpost", apiKey: KEYS.powerpost, workspaceId: "w".repeat(300) },
  { provider: "poelis", apiKey: KEYS.poelis, workspaceId: "ignored" },
  { provider: "other", apiKey: KEYS.poelis },
  null,
  [],
];
