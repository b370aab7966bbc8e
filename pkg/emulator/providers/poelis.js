// Poelis: engineering product data. Only `Authorization: Bearer poelis_api_…` is accepted.
// Errors: {"error": "<code>", "message": "...", "details"?: {...}}.
import { json } from "../lib/http.js";
import { bearerToken } from "../lib/auth.js";
import { compileRoutes, matchRoute } from "../lib/router.js";
import { parseJsonBody, isPlainObject } from "../lib/http.js";
import { parseOperation, argValue, project, GraphQLSyntaxError } from "../lib/graphql.js";

const CODES = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  422: "validation_error",
  429: "rate_limit_exceeded",
  500: "internal_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

const MESSAGES = {
  401: "Invalid or missing API key",
  403: "You do not have access to this resource",
  404: "The requested resource was not found",
  429: "Rate limit exceeded",
  500: "An internal error occurred",
  502: "Bad gateway",
  503: "The service is temporarily unavailable",
  504: "Gateway timeout",
};

const error = (status, message, details) =>
  json(status, { error: CODES[status] ?? "error", message: message ?? MESSAGES[status] ?? "Request failed", ...(details ? { details } : {}) });

export function createPoelis(env) {
  let state;
  function reset() {
    const c = env.config.poelis;
    state = {
      keys: new Set(Object.keys(c.apiKeys).filter((k) => !c.apiKeys[k].revoked)),
      all: Object.keys(c.apiKeys),
      orgs: new Map(Object.entries(c.apiKeys).map(([k, v]) => [k, v.organization ?? null])),
      workspaces: structuredClone(c.workspaces),
      products: structuredClone(c.products ?? []),
      items: structuredClone(c.items ?? []),
      versions: structuredClone(c.versions ?? []),
      properties: structuredClone(c.properties ?? []),
    };
  }
  reset();

  const routes = compileRoutes([
    ["GET", "/workspaces", () => json(200, { items: state.workspaces, count: state.workspaces.length })],
    [
      "GET",
      "/workspaces/:id",
      (ctx) => {
        const ws = state.workspaces.find((w) => w.id === ctx.params.id);
        return ws ? json(200, ws) : error(404, `Workspace '${ctx.params.id}' not found`);
      },
    ],
  ]);

  // ---- GraphQL: the official SDK's operations (poelis_sdk/*.py) ----------------------------

  const gqlError = (message, code) => ({ message, extensions: { code } });
  const page = (list, args) => {
    const offset = Math.max(0, Number(args.offset ?? 0) || 0);
    const limit = args.limit === undefined || args.limit === null ? list.length : Math.max(0, Number(args.limit) || 0);
    return list.slice(offset, offset + limit);
  };
  const like = (text, q) => !q || String(text ?? "").toLowerCase().includes(String(q).toLowerCase());
  const orgId = () => env.config.poelis.orgId ?? "org_demo";
  const workspaceOut = (w) => ({ orgId: orgId(), readableId: w.readableId ?? w.id, ...w, __typename: "Workspace" });
  const TYPES = { numeric: "NumericProperty", text: "TextProperty", matrix: "MatrixProperty", date: "DateProperty", status: "StatusProperty", formula: "FormulaProperty" };
  const parsed = (p) => {
    if (p.propertyType === "numeric" || p.propertyType === "matrix" || p.propertyType === "formula") {
      try {
        return JSON.parse(p.value);
      } catch {
        return null;
      }
    }
    return p.value;
  };
  const propertyOut = (p, prefix = "") => ({
    deleted: false,
    draftPropertyId: null,
    updatedAt: "2024-03-01T00:00:00Z",
    updatedBy: null,
    ...p,
    parsedValue: parsed(p),
    __typename: `${prefix}${TYPES[p.propertyType] ?? "TextProperty"}`,
  });
  const itemsFilter = (list, filter) => {
    const f = filter ?? {};
    let out = list.filter((i) => like(i.name, f.q));
    if (f.rootOnly) out = out.filter((i) => !i.parentId);
    if (f.parentItemId) out = out.filter((i) => i.id === f.parentItemId || i.parentId === f.parentItemId);
    return out;
  };
  const versionExists = (v) => state.versions.some((x) => x.productId === v?.productId && x.versionNumber === Number(v?.versionNumber));

  function updateProperty(kind) {
    return (args) => {
      const p = state.properties.find((x) => x.id === args.id);
      if (!p) throw gqlError(`Property '${args.id}' not found`, "not_found");
      if (p.propertyType !== kind) throw gqlError(`Property '${args.id}' is not a ${kind} property`, "bad_user_input");
      if (kind === "date" && args.value !== undefined && args.value !== null && !/^\d{4}-\d{2}-\d{2}$/.test(args.value)) throw gqlError("Invalid date", "invalid_date_format");
      if (kind === "status" && args.value !== undefined && args.value !== null && !["DRAFT", "UNDER_REVIEW", "DONE"].includes(args.value)) throw gqlError("Invalid status", "invalid_status_value");
      for (const k of ["itemId", "name", "readableId", "position", "value", "category", "displayUnit"]) if (args[k] !== undefined && args[k] !== null) p[k] = args[k];
      return propertyOut(p);
    };
  }

  const RESOLVERS = {
    query: {
      workspaces: (a) => page(state.workspaces, a).map(workspaceOut),
      workspace: (a) => {
        const w = state.workspaces.find((x) => x.id === a.id);
        return w ? workspaceOut(w) : null;
      },
      products: (a) => page(state.products.filter((p) => p.workspaceId === a.workspaceId && like(p.name, a.filter?.q)), a),
      productVersions: (a) => state.versions.filter((v) => v.productId === a.productId),
      items: (a) => page(itemsFilter(state.items.filter((i) => i.productId === a.productId), a.filter), a),
      item: (a) => state.items.find((i) => i.id === a.id) ?? null,
      sdkItems: (a) => {
        if (!versionExists(a.version)) throw gqlError(`Version ${a.version?.versionNumber} of product '${a.productId}' not found`, "not_found");
        return page(itemsFilter(state.items.filter((i) => i.productId === a.productId), a.filter), a).map((i) => ({ deleted: false, ...i, draftItemId: i.draftItemId ?? i.id }));
      },
      properties: (a) => state.properties.filter((p) => p.itemId === a.itemId).map((p) => propertyOut(p)),
      sdkProperties: (a) => state.properties.filter((p) => p.itemId === a.itemId).map((p) => propertyOut(p, "Sdk")),
      searchProperties: (a) => {
        const hits = state.properties.filter(
          (p) =>
            like(p.name, a.q) &&
            (!a.workspaceId || p.workspaceId === a.workspaceId) &&
            (!a.productId || p.productId === a.productId) &&
            (!a.itemId || p.itemId === a.itemId) &&
            (!a.propertyType || p.propertyType === a.propertyType) &&
            (!a.category || p.category === a.category),
        );
        return { query: a.q, total: hits.length, limit: a.limit, offset: a.offset ?? 0, processingTimeMs: 1, hits: page(hits, a) };
      },
    },
    mutation: {
      setProductBaselineVersion: (a) => {
        const p = state.products.find((x) => x.id === a.productId);
        if (!p) throw gqlError(`Product '${a.productId}' not found`, "not_found");
        if (!versionExists({ productId: a.productId, versionNumber: a.versionNumber })) throw gqlError(`Version ${a.versionNumber} not found`, "not_found");
        p.baselineVersionNumber = Number(a.versionNumber);
        return p;
      },
      updateNumericProperty: updateProperty("numeric"),
      updateTextProperty: updateProperty("text"),
      updateMatrixProperty: updateProperty("matrix"),
      updateDateProperty: updateProperty("date"),
      updateStatusProperty: updateProperty("status"),
    },
  };

  /** `POST /v1/graphql`: 200 `{data}` or `{errors, data}`; a request that is no GraphQL is a 400 `{errors}`. */
  function graphql(ctx) {
    if (ctx.method !== "POST") return json(405, { errors: [gqlError("GraphQL requests are POST requests", "method_not_allowed")] }, { allow: "POST" });
    const body = parseJsonBody(ctx.body);
    if (!body.ok || !isPlainObject(body.value) || typeof body.value.query !== "string") {
      return json(400, { errors: [gqlError("Must provide query string.", "bad_request")] });
    }
    const variables = isPlainObject(body.value.variables) ? body.value.variables : {};
    let op;
    try {
      op = parseOperation(body.value.query);
    } catch (err) {
      if (!(err instanceof GraphQLSyntaxError)) throw err;
      return json(400, { errors: [gqlError(err.message, "GRAPHQL_PARSE_FAILED")] });
    }
    const resolvers = RESOLVERS[op.operation];
    const unknown = op.selections.filter((s) => s.name && s.name !== "__typename" && !resolvers[s.name]);
    if (unknown.length) {
      const type = op.operation === "mutation" ? "Mutation" : "Query";
      return json(400, { errors: unknown.map((s) => gqlError(`Cannot query field "${s.name}" on type "${type}".`, "GRAPHQL_VALIDATION_FAILED")) });
    }
    const data = {};
    const errors = [];
    for (const s of op.selections) {
      if (!s.name) continue;
      if (s.name === "__typename") {
        data[s.alias] = op.operation === "mutation" ? "Mutation" : "Query";
        continue;
      }
      const args = Object.fromEntries(Object.entries(s.args).map(([k, v]) => [k, argValue(v, variables)]));
      try {
        data[s.alias] = project(structuredClone(resolvers[s.name](args)), s.selections);
      } catch (err) {
        if (!err?.extensions) throw err;
        data[s.alias] = null;
        errors.push({ ...err, path: [s.alias] });
      }
    }
    return json(200, errors.length ? { errors, data } : { data });
  }

  async function handle(ctx) {
    const token = bearerToken(ctx.headers);
    if (!token || !state.keys.has(token)) return error(401, undefined);
    if (ctx.variant === "graphql") return graphql(ctx);
    const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, "") : ctx.path;
    const m = matchRoute(routes, ctx.method, path);
    if (!m) return error(404, `No route for ${ctx.method} ${ctx.path}`);
    if (m.allowed) {
      const r = error(405, `Method ${ctx.method} is not allowed on ${ctx.path}`);
      r.headers.allow = m.allowed.join(", ");
      return r;
    }
    ctx.params = m.params;
    return m.handler(ctx);
  }

  function errorBody(status, { retryAfterInBody, retryAfter } = {}) {
    const body = { error: CODES[status] ?? "error", message: MESSAGES[status] ?? "Request failed" };
    if (status === 429 && retryAfter !== undefined) body.message = `Rate limit exceeded. Retry after ${retryAfter} seconds.`;
    if (retryAfterInBody) body.retryAfter = retryAfter;
    return body;
  }

  return {
    id: "poelis",
    reset,
    handle,
    errorBody,
    rateLimitStyle: "header",
    alwaysRateLimitHeaders: true,
    secrets: () => [...state.all],
    /** Poelis limits per organization: keys of one `organization` share a bucket. */
    rateBucket: (ctx) => {
      const token = bearerToken(ctx.headers);
      const org = token ? state.orgs.get(token) : null;
      return org ? `org:${org}` : null;
    },
  };
}


/**
 * Demo credentials: `DEMO_KEYS.poelis` of config.js. Every value is fake and valid only against the
 * emulator; the defaults below register them.
 */
const DEMO = Object.freeze({
  apiKey: "poelis_api_demo-K3yRw9Xq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf",
  secondApiKey: "poelis_api_second_Q8mT3vX6kR1pW9zL4nB7cH2sD5",
  revokedKey: "poelis_api_revoked_T4nW8qZ1xM6vR3kP9sB2dL7h",
});

/** This provider's part of the emulator's config (config.js merges and validates it). */
const CONFIG = {
  /** `DEFAULT_CONFIG.poelis`. */
  defaults: {
    apiKeys: { [DEMO.apiKey]: {}, [DEMO.secondApiKey]: {}, [DEMO.revokedKey]: { revoked: true } },
    workspaces: [
      { id: "ws_1", name: "Main" },
      { id: "ws_2", name: "Research" },
    ],
    // The GraphQL data (the official SDK's view); REST `/workspaces` lists the same workspaces.
    orgId: "org_demo",
    products: [
      { id: "prod_1", name: "Drone", description: "Demo product", readableId: "drone", workspaceId: "ws_1", baselineVersionNumber: 1, reviewers: [] },
      { id: "prod_2", name: "Rover", description: "", readableId: "rover", workspaceId: "ws_2", baselineVersionNumber: null, reviewers: [] },
    ],
    items: [
      { id: "item_1", name: "Airframe", description: "", readableId: "airframe", productId: "prod_1", parentId: null, position: 1, draftItemId: null },
      { id: "item_2", name: "Battery", description: "Li-ion pack", readableId: "battery", productId: "prod_1", parentId: "item_1", position: 2, draftItemId: null },
    ],
    versions: [{ productId: "prod_1", versionNumber: 1, title: "v1", description: "First release", createdAt: "2024-03-01T00:00:00Z" }],
    properties: [
      { id: "prop_1", readableId: "mass", itemId: "item_2", name: "Mass", position: 1, value: "1.2", category: "MASS", displayUnit: "kg", propertyType: "numeric", workspaceId: "ws_1", productId: "prod_1" },
      { id: "prop_2", readableId: "chemistry", itemId: "item_2", name: "Chemistry", position: 2, value: "Li-ion", category: null, displayUnit: null, propertyType: "text", workspaceId: "ws_1", productId: "prod_1" },
    ],
  },
  /** Credential collections: the user's are added to the demo ones (`"defaults": false`: none). */
  credentialFields: ["apiKeys"],
  /** Data emptied by `"defaults": false`. */
  data: ["workspaces", "products", "items", "versions", "properties"],
  /** Fields that must be numbers (`[field, {min}]`, min 0 by default) and arrays. */
  numbers: [],
  arrays: ["workspaces"],
  // docs.poelis.com: 60 requests a minute per organization, burst 10 (a token bucket).
  rateLimit: { limit: 60, windowSec: 60, burst: 10 },
  // A limit given without a burst is a plain window of that size (burst = limit).
  burstFromLimit: true,
};

/**
 * How the emulator mounts Poelis (read by server.js, cli.js and lib/cors.js through
 * providers/index.js): its mounts, URL names, CLI rows, front-end origin and rate limiter.
 */
export const EMULATOR = Object.freeze({
  id: "poelis",
  name: "Poelis",
  create: createPoelis,
  demoKeys: DEMO,
  config: CONFIG,
  mounts: [
    { prefix: "/poelis/v1/public", key: "poelis", corsKey: "poelis", variant: null },
    // The official SDK's endpoint: `POST {host}/v1/graphql` (poelis_sdk/_transport.py).
    { prefix: "/poelis/v1/graphql", key: "poelis", corsKey: "poelis", variant: "graphql" },
  ],
  urls: { poelis: "/poelis/v1/public", poelisRoot: "/poelis", poelisGraphql: "/poelis/v1/graphql" },
  listing: [["poelis", (u) => u.poelis]],
  origins: { poelis: ["https://app.poelis.com"] },
  // A token bucket (60 a minute, burst 10: docs.poelis.com; `config.rateLimit.poelis`).
  limiter: "bucket",
  requestId: true,
});

/** This provider's part of the emulator's typings: scripts/gen.mjs writes pkg/emulator/providers.d.ts
 * from it (`config`: the type of `EmulatorConfig.poelis`; `urls`: docs of `EMULATOR.urls`' entries). */
export const TYPES = Object.freeze({
  config: `{
  apiKeys?: Credentials<{ revoked?: boolean; organization?: string }>;
  workspaces?: Array<{ id: string; name: string }>;
  /** GraphQL data (what the official SDK reads over POST /v1/graphql). */
  orgId?: string;
  products?: Array<Record<string, unknown>>;
  items?: Array<Record<string, unknown>>;
  versions?: Array<Record<string, unknown>>;
  properties?: Array<Record<string, unknown>>;
  }`,
  urls: { poelisRoot: "The host root the official Poelis SDK takes as POELIS_BASE_URL." },
});
