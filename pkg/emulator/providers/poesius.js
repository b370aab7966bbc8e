// Poesius: slides from documents. REST under /api/v1, MCP (JSON-RPC 2.0) at /api/v1/mcp.
// Errors are FastAPI style: {"detail": "..."}.
import { json, parseJsonBody, isPlainObject, statusText } from "../lib/http.js";
import { bearerToken, decodeJwtPayload, makeFakeJwt } from "../lib/auth.js";
import { readMultipart } from "../lib/multipart.js";
import { compileRoutes, matchRoute } from "../lib/router.js";

export const AUTH_REQUIRED =
  "Authentication required. Provide Authorization: Bearer <token> header (OAuth 2.1) or X-API-Key header.";
const ALLOWED_EXTENSIONS = [".pdf", ".docx", ".txt", ".md"];
const MCP_PROTOCOL_VERSION = "2025-03-26";

const detail = (status, message, headers) => json(status, { detail: message }, headers);
const unauthorized = (message) => detail(401, message, { "www-authenticate": "Bearer" });
const creditsExhausted = () => json(402, { error: "Insufficient credits", error_code: "CREDITS_EXHAUSTED" });

const MCP_TOOLS = [
  {
    name: "generate_slides",
    description: "Generate a presentation from instructions, text or a base64 document.",
    inputSchema: {
      type: "object",
      properties: {
        instructions: { type: "string" },
        topic: { type: "string" },
        content: { type: "string" },
        template_id: { type: "string" },
        num_slides: { type: "integer", minimum: 1, maximum: 50 },
        conversation_id: { type: "string" },
        presentation_id: { type: "string" },
        document_base64: { type: "string" },
      },
      required: ["instructions"],
    },
  },
  {
    name: "list_templates",
    description: "List the templates available to this account.",
    inputSchema: { type: "object", properties: { limit: { type: "integer" }, offset: { type: "integer" } } },
  },
  {
    name: "generate_presentation_content",
    description: "Draft slide content (titles and bullet points) without rendering.",
    inputSchema: { type: "object", properties: { instructions: { type: "string" } }, required: ["instructions"] },
  },
  {
    name: "slide_from_content",
    description: "Render one slide from given content.",
    inputSchema: { type: "object", properties: { content: { type: "string" }, template_id: { type: "string" } }, required: ["content"] },
  },
];

export function createPoesius(env) {
  let state;

  function reset() {
    const c = env.config.poesius;
    state = {
      keys: new Map(Object.entries(c.apiKeys).map(([k, p]) => [k, { id: p.id ?? env.ids.uuid(), name: p.name ?? "demo", ...p }])),
      jwts: new Set(Object.keys(c.jwts)),
      oauth: new Set(Object.keys(c.oauthTokens)),
      credits: c.credits,
      templates: structuredClone(c.templates),
      presentations: structuredClone(c.presentations),
    };
  }
  reset();

  /** @returns {{ok:true, kind:string} | {ok:false, response}} */
  function authenticate(ctx) {
    const apiKey = ctx.header("x-api-key").trim();
    if (apiKey) {
      const rec = state.keys.get(apiKey);
      if (!rec) return { ok: false, response: unauthorized("Invalid API key") };
      if (rec.revoked) return { ok: false, response: unauthorized("API key has been revoked") };
      return { ok: true, kind: "api_key" };
    }
    const authorization = ctx.header("authorization").trim();
    if (!authorization) return { ok: false, response: unauthorized(AUTH_REQUIRED) };
    const token = bearerToken(ctx.headers);
    if (!token) return { ok: false, response: unauthorized("Invalid authentication credentials") };
    if (state.jwts.has(token)) {
      const payload = decodeJwtPayload(token);
      if (payload && typeof payload.exp === "number" && payload.exp * 1000 < env.now()) {
        return { ok: false, response: unauthorized("Token has expired") };
      }
      return { ok: true, kind: "jwt" };
    }
    if (state.oauth.has(token)) return { ok: true, kind: "oauth" };
    return { ok: false, response: unauthorized("Invalid or expired token") };
  }

  function spendCredit() {
    if (state.credits <= 0) return false;
    state.credits -= 1;
    return true;
  }

  function newPresentation({ title, slideCount, templateId, source }) {
    const id = env.ids.id("pres");
    const p = {
      id,
      title,
      slide_count: slideCount,
      template_id: templateId ?? null,
      status: "completed",
      source,
      url: `https://app.poesius.com/presentations/${id}`,
      created_at: new Date(env.now()).toISOString(),
    };
    state.presentations.push(p);
    return p;
  }

  // ---- REST -------------------------------------------------------------

  function listPresentations(ctx) {
    const limitText = ctx.query.get("limit");
    const offsetText = ctx.query.get("offset");
    const limit = limitText === null ? 20 : Number(limitText);
    const offset = offsetText === null ? 0 : Number(offsetText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return detail(422, "Query parameter 'limit' must be an integer between 1 and 100");
    }
    if (!Number.isInteger(offset) || offset < 0) return detail(422, "Query parameter 'offset' must be a non-negative integer");
    const items = state.presentations.slice(offset, offset + limit);
    return json(200, { items, total: state.presentations.length, limit, offset });
  }

  function getPresentation(ctx) {
    const p = state.presentations.find((x) => x.id === ctx.params.id);
    return p ? json(200, p) : detail(404, "Presentation not found");
  }

  function listTemplates(ctx) {
    return json(200, { items: state.templates, total: state.templates.length });
  }

  function generateFromDoc(ctx) {
    if (ctx.bodyTooLarge) return detail(413, "File size exceeds maximum allowed size of 50MB");
    const mp = readMultipart(ctx);
    if (!mp.ok && mp.reason === "not_multipart") {
      return detail(422, "Field required: 'document' (send multipart/form-data with a file field named document)");
    }
    if (!mp.ok) return detail(400, `Invalid multipart body: ${mp.message}`);
    const doc = mp.parts.find((p) => p.name === "document");
    if (!doc) return detail(422, "Field required: 'document'");
    if (doc.filename === null) return detail(422, "Field 'document' must be a file upload");
    const filename = doc.filename;
    const ext = (/\.[^.]+$/.exec(filename.toLowerCase()) ?? [""])[0];
    if (!ALLOWED_EXTENSIONS.includes(ext)) {
      return detail(400, `Invalid file type. Allowed types: PDF, DOCX, TXT, MD (got '${ext || filename}')`);
    }
    if (doc.data.length > env.config.poesius.maxUploadBytes) {
      return detail(413, "File size exceeds maximum allowed size of 50MB");
    }
    if (doc.data.length === 0) return json(400, { detail: "The document is empty", error_code: "INVALID_DOCUMENT" });

    const field = (name) => {
      const part = mp.parts.find((p) => p.name === name && p.filename === null);
      return part ? part.data.toString("utf8").trim() : null;
    };
    const templateId = field("template_id") || null;
    if (templateId && !state.templates.some((t) => t.template_id === templateId)) {
      return detail(404, "Template not found");
    }
    let slideCount = 10;
    const numSlides = field("num_slides");
    if (numSlides) {
      slideCount = Number(numSlides);
      if (!Number.isInteger(slideCount) || slideCount < 1 || slideCount > 50) {
        return detail(422, "Field 'num_slides' must be an integer between 1 and 50");
      }
    }
    if (!spendCredit()) return creditsExhausted();
    const p = newPresentation({ title: filename.replace(/\.[^.]+$/, ""), slideCount, templateId, source: "document" });
    return json(200, {
      presentation_id: p.id,
      status: p.status,
      slide_count: p.slide_count,
      template_id: p.template_id,
      filename,
      size_bytes: doc.data.length,
      content_type: doc.contentType,
      url: p.url,
      credits_remaining: state.credits,
    });
  }

  function requireJwt(auth) {
    if (auth.kind === "jwt") return null;
    return detail(403, "API keys can only be managed with a JWT from the web app (Authorization: Bearer <jwt>)");
  }

  function publicKey(rec) {
    return { id: rec.id, name: rec.name, description: rec.description ?? null, is_active: !rec.revoked, created_at: rec.created_at ?? null };
  }

  function createApiKey(ctx, auth) {
    const refused = requireJwt(auth);
    if (refused) return refused;
    const parsed = parseJsonBody(ctx.body);
    if (!parsed.ok || !isPlainObject(parsed.value)) return detail(422, "Request body must be a JSON object with 'name'");
    const { name, description = null } = parsed.value;
    if (typeof name !== "string" || name.trim() === "") return detail(422, "Field required: 'name'");
    if (description !== null && typeof description !== "string") return detail(422, "Field 'description' must be a string");
    const key = `pk_${env.ids.token(24)}`;
    const rec = { id: env.ids.uuid(), name, description, revoked: false, created_at: new Date(env.now()).toISOString() };
    state.keys.set(key, rec);
    return json(201, { ...publicKey(rec), key });
  }

  function listApiKeys(ctx, auth) {
    const refused = requireJwt(auth);
    if (refused) return refused;
    return json(200, [...state.keys.values()].map(publicKey));
  }

  function revokeApiKey(ctx, auth) {
    const refused = requireJwt(auth);
    if (refused) return refused;
    for (const rec of state.keys.values()) {
      if (rec.id === ctx.params.id) {
        rec.revoked = true;
        return json(200, publicKey(rec));
      }
    }
    return detail(404, "API key not found");
  }

  // ---- MCP --------------------------------------------------------------

  const rpcResult = (id, result) => ({ jsonrpc: "2.0", id, result });
  const rpcError = (id, code, message, data) => ({ jsonrpc: "2.0", id, error: { code, message, ...(data ? { data } : {}) } });
  const toolResult = (obj, isError = false) => ({
    ...obj,
    content: [{ type: "text", text: JSON.stringify(obj) }],
    ...(isError ? { isError: true } : {}),
  });

  function callTool(id, params) {
    if (!isPlainObject(params) || typeof params.name !== "string") {
      return rpcError(id, -32602, "Invalid params: 'name' is required");
    }
    const args = params.arguments ?? {};
    if (!isPlainObject(args)) return rpcError(id, -32602, "Invalid params: 'arguments' must be an object");
    switch (params.name) {
      case "generate_slides": {
        if (typeof args.instructions !== "string" || args.instructions.trim() === "") {
          return rpcError(id, -32602, "Invalid params: 'instructions' is required for generate_slides");
        }
        const templateId = args.template_id ?? null;
        if (!templateId && env.config.poesius.requireTemplate) {
          return rpcResult(
            id,
            toolResult({
              requires_template: true,
              message: "A template is required. Call list_templates and pass template_id.",
              available_templates: state.templates.map(({ template_id, template_name }) => ({ template_id, template_name })),
              default_template_id: null,
            }),
          );
        }
        if (templateId && !state.templates.some((t) => t.template_id === templateId)) {
          return rpcResult(id, toolResult({ error: "Template not found", error_code: "TEMPLATE_NOT_FOUND" }, true));
        }
        const slideCount = Number.isInteger(args.num_slides) ? args.num_slides : 10;
        if (slideCount < 1 || slideCount > 50) return rpcError(id, -32602, "Invalid params: 'num_slides' must be 1-50");
        if (!spendCredit()) {
          return rpcResult(id, toolResult({ error: "Insufficient credits", error_code: "CREDITS_EXHAUSTED" }, true));
        }
        const p = newPresentation({ title: args.topic ?? args.instructions.slice(0, 60), slideCount, templateId, source: "mcp" });
        return rpcResult(
          id,
          toolResult({
            presentation_id: p.id,
            status: p.status,
            title: p.title,
            slide_count: p.slide_count,
            template_id: p.template_id,
            conversation_id: args.conversation_id ?? env.ids.id("conv"),
            url: p.url,
            credits_remaining: state.credits,
          }),
        );
      }
      case "list_templates": {
        const limit = Number.isInteger(args.limit) ? args.limit : 50;
        const offset = Number.isInteger(args.offset) ? args.offset : 0;
        const templates = state.templates.slice(offset, offset + limit);
        return rpcResult(id, toolResult({ templates, total: state.templates.length }));
      }
      case "generate_presentation_content": {
        if (typeof args.instructions !== "string" || args.instructions.trim() === "") {
          return rpcError(id, -32602, "Invalid params: 'instructions' is required");
        }
        return rpcResult(
          id,
          toolResult({ slides: [{ title: args.instructions.slice(0, 60), bullets: ["Point one", "Point two"] }] }),
        );
      }
      case "slide_from_content": {
        if (typeof args.content !== "string" || args.content === "") {
          return rpcError(id, -32602, "Invalid params: 'content' is required");
        }
        return rpcResult(id, toolResult({ slide_id: env.ids.id("slide"), status: "completed" }));
      }
      default:
        return rpcError(id, -32602, `Unknown tool: ${params.name}`);
    }
  }

  /** One JSON-RPC message; returns a response object, or null for a notification. */
  function rpc(message) {
    if (!isPlainObject(message) || message.jsonrpc !== "2.0" || typeof message.method !== "string") {
      return rpcError(message?.id ?? null, -32600, "Invalid Request");
    }
    const isNotification = !("id" in message);
    if (isNotification) return null;
    const { id, method, params } = message;
    switch (method) {
      case "initialize":
        return rpcResult(id, {
          protocolVersion: typeof params?.protocolVersion === "string" ? params.protocolVersion : MCP_PROTOCOL_VERSION,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: "poesius-emulator", version: "1.0.0" },
        });
      case "ping":
        return rpcResult(id, {});
      case "tools/list":
        return rpcResult(id, { tools: MCP_TOOLS });
      case "tools/call":
        return callTool(id, params);
      default:
        return rpcError(id, -32601, `Method not found: ${method}`);
    }
  }

  function mcp(ctx) {
    const parsed = parseJsonBody(ctx.body);
    if (!parsed.ok) return json(400, rpcError(null, -32700, "Parse error"));
    const messages = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    if (messages.length === 0) return json(400, rpcError(null, -32600, "Invalid Request"));
    const replies = messages.map(rpc).filter(Boolean);
    const headers = {};
    if (messages.some((m) => m?.method === "initialize")) headers["mcp-session-id"] = env.ids.id("mcp");
    if (replies.length === 0) return { status: 202, headers };
    return json(200, Array.isArray(parsed.value) ? replies : replies[0], headers);
  }

  // ---- routing ----------------------------------------------------------

  const routes = compileRoutes([
    ["GET", "/presentations", listPresentations],
    ["GET", "/presentations/:id", getPresentation],
    ["GET", "/templates", listTemplates],
    ["POST", "/slides/generate-from-doc", generateFromDoc],
    ["POST", "/api-keys/", createApiKey],
    ["GET", "/api-keys/", listApiKeys],
    ["DELETE", "/api-keys/:id", revokeApiKey],
    ["POST", "/mcp", mcp],
  ]);

  async function handle(ctx) {
    // FastAPI routes before it authenticates: unknown paths are 404 without credentials.
    let m = matchRoute(routes, ctx.method, ctx.path);
    if (!m) {
      // FastAPI's redirect_slashes: the same path with/without a trailing slash answers 307.
      const alt = ctx.path.endsWith("/") ? ctx.path.slice(0, -1) : `${ctx.path}/`;
      const altMatch = matchRoute(routes, ctx.method, alt);
      if (altMatch && !altMatch.allowed) {
        const location = `${ctx.selfOrigin}${ctx.basePath}${alt}${ctx.search}`;
        return { status: 307, headers: { location } };
      }
      return detail(404, "Not Found");
    }
    if (m.allowed) {
      if (ctx.path === "/mcp" && ctx.method === "GET") {
        return detail(405, "Method Not Allowed: this MCP endpoint takes JSON-RPC over POST", { allow: "POST" });
      }
      return detail(405, "Method Not Allowed", { allow: m.allowed.join(", ") });
    }
    const auth = authenticate(ctx);
    if (!auth.ok) return auth.response;
    ctx.params = m.params;
    return m.handler(ctx, auth);
  }

  function errorBody(status, { retryAfterInBody, retryAfter } = {}) {
    const body = { detail: status === 429 ? "Rate limit exceeded" : statusText(status) };
    if (retryAfterInBody) body.retryAfter = retryAfter;
    return body;
  }

  return {
    id: "poesius",
    reset,
    handle,
    errorBody,
    rateLimitStyle: "header",
    secrets: () => [...state.keys.keys(), ...state.jwts, ...state.oauth],
    state: () => ({ credits: state.credits, presentations: state.presentations.length }),
  };
}


/**
 * Demo credentials: `DEMO_KEYS.poesius` of config.js. Every value is fake and valid only against the
 * emulator; the defaults below register them.
 */
const DEMO = Object.freeze({
  apiKey: "pk_demo_Kq7vT2mX9pL4sW8zR3nB",
  revokedKey: "pk_revoked_H5cN8dQ2rV6yJ1tF",
  jwt: makeFakeJwt({ sub: "user_demo", email: "demo@keygate.test", iat: 1700000000, exp: 4102444800 }),
  expiredJwt: makeFakeJwt({ sub: "user_demo", email: "demo@keygate.test", iat: 1500000000, exp: 1500003600 }),
  oauthToken: "oauth_demo_Wq4Tz8Lm2Vx6Np0Rb3Ks7Hd",
});

/** This provider's part of the emulator's config (config.js merges and validates it). */
const CONFIG = {
  /** `DEFAULT_CONFIG.poesius`. */
  defaults: {
    apiKeys: { [DEMO.apiKey]: { revoked: false }, [DEMO.revokedKey]: { revoked: true } },
    jwts: [DEMO.jwt, DEMO.expiredJwt],
    oauthTokens: [DEMO.oauthToken],
    credits: 100,
    requireTemplate: false,
    maxUploadBytes: 50 * 1024 * 1024,
    templates: [
      { template_id: "tpl_corporate", template_name: "Corporate" },
      { template_id: "tpl_minimal", template_name: "Minimal" },
      { template_id: "tpl_pitch", template_name: "Pitch Deck" },
    ],
    presentations: [
      { id: "pres_demo_1", title: "Quarterly review", slide_count: 12, created_at: "2024-01-01T00:00:00Z" },
      { id: "pres_demo_2", title: "Product launch", slide_count: 8, created_at: "2024-02-01T00:00:00Z" },
    ],
  },
  /** Credential collections: the user's are added to the demo ones (`"defaults": false`: none). */
  credentialFields: ["apiKeys", "jwts", "oauthTokens"],
  /** Data emptied by `"defaults": false`. */
  data: ["presentations"],
  /** Fields that must be numbers (`[field, {min}]`, min 0 by default) and arrays. */
  numbers: [["credits"]],
  arrays: ["templates", "presentations"],
};

/**
 * How the emulator mounts Poesius (read by server.js, cli.js and lib/cors.js through
 * providers/index.js): its mount, URL names, CLI rows, front-end origin and rate limiter.
 */
export const EMULATOR = Object.freeze({
  id: "poesius",
  name: "Poesius",
  create: createPoesius,
  demoKeys: DEMO,
  config: CONFIG,
  mounts: [{ prefix: "/poesius/api/v1", key: "poesius", corsKey: "poesius", variant: null }],
  urls: { poesius: "/poesius/api/v1", poesiusMcp: "/poesius/api/v1/mcp" },
  listing: [
    ["poesius", (u) => u.poesius],
    ["poesius mcp", (u) => u.poesiusMcp],
  ],
  // The web app's origin (a "strict" CORS policy allows only it).
  origins: { poesius: ["https://app.poesius.com"] },
  // A fixed window over every request (`config.rateLimit.poesius`).
  limiter: "window",
  requestId: true,
});

/** This provider's part of the emulator's typings: scripts/gen.mjs writes pkg/emulator/providers.d.ts
 * from it (`config`: the type of `EmulatorConfig.poesius`; `urls`: docs of `EMULATOR.urls`' entries). */
export const TYPES = Object.freeze({
  config: `{
  apiKeys?: Credentials<{ revoked?: boolean; name?: string; description?: string }>;
  jwts?: Credentials;
  oauthTokens?: Credentials;
  credits?: number;
  requireTemplate?: boolean;
  maxUploadBytes?: number;
  templates?: Array<{ template_id: string; template_name: string }>;
  presentations?: Array<Record<string, unknown>>;
  }`,
});
