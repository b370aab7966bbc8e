// PowerPost: AI social posts. `x-api-key` or `Authorization: Bearer`; content paths need X-Workspace-Id.
// Errors: {"error": {"message": "...", "code": "..."}}.
import { json, parseJsonBody, isPlainObject, statusText } from "../lib/http.js";
import { bearerToken } from "../lib/auth.js";
import { readMultipart } from "../lib/multipart.js";
import { compileRoutes, matchRoute } from "../lib/router.js";

const CODES = {
  400: "VALIDATION_ERROR",
  401: "INVALID_API_KEY",
  402: "INSUFFICIENT_CREDITS",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  408: "REQUEST_TIMEOUT",
  409: "CONFLICT",
  413: "FILE_TOO_LARGE",
  422: "VALIDATION_ERROR",
  429: "RATE_LIMIT_EXCEEDED",
  500: "INTERNAL_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

const CONTENT_PREFIXES = ["/content", "/images", "/posts", "/media"];

const error = (status, message, code = CODES[status] ?? "ERROR") => json(status, { error: { message, code } });

export function createPowerPost(env) {
  let state;
  function reset() {
    const c = env.config.powerpost;
    state = {
      keys: new Map(Object.entries(c.apiKeys)),
      credits: c.credits,
      posts: new Map(), // id -> post
      media: new Map(),
    };
  }
  reset();

  function authenticate(ctx) {
    const key = ctx.header("x-api-key").trim() || bearerToken(ctx.headers);
    if (!key) return { ok: false, response: error(401, "Missing API key: send x-api-key or Authorization: Bearer", "INVALID_API_KEY") };
    const rec = state.keys.get(key);
    if (!rec) return { ok: false, response: error(401, "Invalid API key") };
    if (rec.revoked) return { ok: false, response: error(401, "API key has been revoked", "INVALID_API_KEY") };
    return { ok: true, key: rec };
  }

  const isContentPath = (path) => CONTENT_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

  function workspaceAllowed(rec, ws) {
    if (rec.workspaces === undefined || rec.workspaces === "*") return true;
    return rec.workspaces.includes(ws);
  }

  function spend(n = 1) {
    if (state.credits < n) return false;
    state.credits -= n;
    return true;
  }

  function findPost(ctx) {
    const post = state.posts.get(ctx.params.id);
    return post && post.workspace_id === ctx.workspaceId ? post : null;
  }

  function jsonObjectBody(ctx) {
    const parsed = parseJsonBody(ctx.body);
    if (parsed.empty) return { ok: true, value: {} };
    if (!parsed.ok || !isPlainObject(parsed.value)) return { ok: false, response: error(400, "Request body must be a JSON object") };
    return { ok: true, value: parsed.value };
  }

  function createPost(ctx) {
    const body = jsonObjectBody(ctx);
    if (!body.ok) return body.response;
    const { content = "", platforms = [], media = [], ...rest } = body.value;
    if (typeof content !== "string") return error(400, "'content' must be a string");
    if (!Array.isArray(platforms)) return error(400, "'platforms' must be an array");
    const post = {
      id: env.ids.id("post"),
      status: "draft",
      workspace_id: ctx.workspaceId,
      content,
      platforms,
      media,
      ...rest,
      created_at: new Date(env.now()).toISOString(),
      published_at: null,
    };
    state.posts.set(post.id, post);
    return json(201, post);
  }

  function publishPost(ctx, auth) {
    if ((auth.key.type ?? "read_write") === "read_draft") {
      return error(403, "This API key is draft-only (read_draft) and cannot publish posts", "FORBIDDEN");
    }
    const post = findPost(ctx);
    if (!post) return error(404, `Post '${ctx.params.id}' not found`);
    if (post.status === "published") return error(409, "Post has already been published", "ALREADY_PUBLISHED");
    if (!spend(1)) return error(402, "Insufficient credits to publish", "INSUFFICIENT_CREDITS");
    post.status = "published";
    post.published_at = new Date(env.now()).toISOString();
    return json(200, post);
  }

  function generate(kind) {
    return (ctx) => {
      const body = jsonObjectBody(ctx);
      if (!body.ok) return body.response;
      if (typeof body.value.prompt !== "string" || body.value.prompt.trim() === "") return error(400, "'prompt' is required");
      if (!spend(1)) return error(402, "Insufficient credits", "INSUFFICIENT_CREDITS");
      const result =
        kind === "content"
          ? { content: `Generated post about: ${body.value.prompt}` }
          : { image_url: `https://cdn.powerpost.ai/emulated/${env.ids.id("img")}.png` };
      return json(200, { id: env.ids.id("gen"), status: "completed", workspace_id: ctx.workspaceId, ...result, credits_remaining: state.credits });
    };
  }

  function uploadMedia(ctx) {
    if (ctx.bodyTooLarge) return error(413, "File is too large", "FILE_TOO_LARGE");
    const mp = readMultipart(ctx);
    if (!mp.ok) return error(400, "Expected multipart/form-data with a 'file' field");
    const file = mp.parts.find((p) => p.name === "file" && p.filename !== null);
    if (!file) return error(400, "Missing 'file' field");
    const item = {
      id: env.ids.id("media"),
      workspace_id: ctx.workspaceId,
      name: file.filename,
      size: file.data.length,
      content_type: file.contentType,
      url: `https://cdn.powerpost.ai/emulated/${encodeURIComponent(file.filename)}`,
    };
    state.media.set(item.id, item);
    return json(201, item);
  }

  const routes = compileRoutes([
    ["GET", "/account/credits", () => json(200, { balance: state.credits })],
    ["POST", "/posts", createPost],
    ["GET", "/posts", (ctx) => json(200, { posts: [...state.posts.values()].filter((p) => p.workspace_id === ctx.workspaceId) })],
    ["GET", "/posts/:id", (ctx) => findPost(ctx) ? json(200, findPost(ctx)) : error(404, `Post '${ctx.params.id}' not found`)],
    [
      "DELETE",
      "/posts/:id",
      (ctx) => {
        const post = findPost(ctx);
        if (!post) return error(404, `Post '${ctx.params.id}' not found`);
        state.posts.delete(post.id);
        return json(200, { id: post.id, deleted: true });
      },
    ],
    ["POST", "/posts/:id/publish", publishPost],
    ["POST", "/content/generate", generate("content")],
    ["POST", "/images/generate", generate("image")],
    ["POST", "/media", uploadMedia],
    ["GET", "/media", (ctx) => json(200, { media: [...state.media.values()].filter((m) => m.workspace_id === ctx.workspaceId) })],
  ]);

  async function handle(ctx) {
    const auth = authenticate(ctx);
    if (!auth.ok) return auth.response;
    const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, "") : ctx.path;
    if (isContentPath(path)) {
      const ws = ctx.header("x-workspace-id").trim();
      if (!ws) return error(400, "X-Workspace-Id header is required for this endpoint", "VALIDATION_ERROR");
      if (!workspaceAllowed(auth.key, ws)) return error(403, "You do not have access to this workspace", "FORBIDDEN");
      ctx.workspaceId = ws;
    }
    const m = matchRoute(routes, ctx.method, path);
    if (!m) return error(404, `No route for ${ctx.method} ${ctx.path}`);
    if (m.allowed) return error(405, `Method ${ctx.method} is not allowed`, "METHOD_NOT_ALLOWED");
    ctx.params = m.params;
    return m.handler(ctx, auth);
  }

  function errorBody(status, { retryAfterInBody, retryAfter } = {}) {
    const message = status === 429 ? "Rate limit exceeded" : statusText(status);
    const body = { error: { message, code: CODES[status] ?? "ERROR" } };
    if (retryAfterInBody) {
      const where = env.config.powerpost.retryAfterIn ?? "both";
      if (where === "both" || where === "error") body.error.retryAfter = retryAfter;
      if (where === "both" || where === "top") body.retryAfter = retryAfter;
    }
    return body;
  }

  return {
    id: "powerpost",
    reset,
    handle,
    errorBody,
    rateLimitStyle: "body",
    alwaysRateLimitHeaders: true,
    secrets: () => [...state.keys.keys()],
    state: () => ({ credits: state.credits, posts: state.posts.size }),
  };
}


/**
 * Demo credentials: `DEMO_KEYS.powerpost` of config.js. Every value is fake and valid only against the
 * emulator; the defaults below register them.
 */
const DEMO = Object.freeze({
  apiKey: "pp_live_sk_demoRW_4tG8kL2mQ9xV7cN3bZ",
  draftKey: "pp_live_sk_demoDraft_8pR2wS6yH1jK5nM",
  revokedKey: "pp_live_sk_demoRevoked_3fT7uJ1qW5eX",
  workspaceId: "ws_123",
  secondWorkspaceId: "ws_456",
  foreignWorkspaceId: "ws_999",
});

/** This provider's part of the emulator's config (config.js merges and validates it). */
const CONFIG = {
  /** `DEFAULT_CONFIG.powerpost`. */
  defaults: {
    apiKeys: {
      [DEMO.apiKey]: { type: "read_write", workspaces: [DEMO.workspaceId, DEMO.secondWorkspaceId] },
      [DEMO.draftKey]: { type: "read_draft", workspaces: [DEMO.workspaceId] },
      [DEMO.revokedKey]: { type: "read_write", workspaces: [DEMO.workspaceId], revoked: true },
    },
    credits: 42,
    retryAfterIn: "both",
  },
  /** Credential collections: the user's are added to the demo ones (`"defaults": false`: none). */
  credentialFields: ["apiKeys"],
  /** Data emptied by `"defaults": false`. */
  data: [],
  /** Fields that must be numbers (`[field, {min}]`, min 0 by default) and arrays. */
  numbers: [["credits"]],
  arrays: [],
  rateLimit: { limit: 1000, windowSec: 60 },
  /** Its key types and workspace lists. */
  validate(c, { ConfigError }) {
    for (const [key, props] of Object.entries(c.apiKeys)) {
      const type = props.type ?? "read_write";
      if (type !== "read_write" && type !== "read_draft") {
        throw new ConfigError(`powerpost.apiKeys["${key.slice(0, 11)}…"].type must be read_write or read_draft`);
      }
      if (props.workspaces !== undefined && props.workspaces !== "*" && !Array.isArray(props.workspaces)) {
        throw new ConfigError(`powerpost.apiKeys[…].workspaces must be an array of ids or "*"`);
      }
    }
  },
};

/**
 * How the emulator mounts PowerPost (read by server.js, cli.js and lib/cors.js through
 * providers/index.js): its mount, URL name, CLI row, front-end origin and rate limiter.
 */
export const EMULATOR = Object.freeze({
  id: "powerpost",
  name: "PowerPost",
  create: createPowerPost,
  demoKeys: DEMO,
  config: CONFIG,
  mounts: [{ prefix: "/powerpost/api/v1", key: "powerpost", corsKey: "powerpost", variant: null }],
  urls: { powerpost: "/powerpost/api/v1" },
  listing: [["powerpost", (u) => u.powerpost]],
  origins: { powerpost: ["https://powerpost.ai"] },
  // A fixed window over every request (`config.rateLimit.powerpost`).
  limiter: "window",
  requestId: true,
});

/** This provider's part of the emulator's typings: scripts/gen.mjs writes pkg/emulator/providers.d.ts
 * from it (`config`: the type of `EmulatorConfig.powerpost`; `urls`: docs of `EMULATOR.urls`' entries). */
export const TYPES = Object.freeze({
  config: `{
  apiKeys?: Credentials<{ type?: "read_write" | "read_draft"; workspaces?: string[] | "*"; revoked?: boolean }>;
  credits?: number;
  retryAfterIn?: "both" | "error" | "top";
  }`,
});
