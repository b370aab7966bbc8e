// Postiz: social scheduling. `Authorization: <key>` raw: a `pos_` value is an OAuth token,
// anything else an API key (so `Bearer <key>` is an invalid key). Hosted (`/postiz/public/v1`)
// and self-hosted (`/postiz-self/api/public/v1`) share data; only hosted checks subscriptions.
import { json, parseJsonBody, isPlainObject, statusText } from "../lib/http.js";
import { readMultipart } from "../lib/multipart.js";
import { compileRoutes, matchRoute } from "../lib/router.js";
import { createLimiter } from "../lib/ratelimit.js";

const msg = (text) => json(401, { msg: text });
const nest = (status, message, extra = {}) => json(status, { statusCode: status, message, ...extra });

export function createPostiz(env) {
  let state;
  let limiter;

  function limits() {
    const rl = env.config.rateLimit?.postiz;
    return {
      limit: rl?.limit ?? env.config.postiz.postRateLimit,
      windowSec: rl?.windowSec ?? env.config.postiz.postRateWindowSec,
    };
  }

  function reset() {
    const c = env.config.postiz;
    state = {
      apiKeys: new Map(Object.entries(c.apiKeys)),
      oauth: new Map(Object.entries(c.oauthTokens)),
      integrations: structuredClone(c.integrations),
      posts: [],
      uploads: [],
    };
    limiter = createLimiter(limits(), env.now);
  }
  reset();

  function authenticate(ctx) {
    const value = ctx.header("authorization");
    if (!value) return { ok: false, response: msg("No API Key found") };
    let account;
    if (value.startsWith("pos_")) {
      account = state.oauth.get(value);
      if (!account || account.revoked) return { ok: false, response: msg("Invalid OAuth token") };
    } else {
      account = state.apiKeys.get(value);
      if (!account || account.revoked) return { ok: false, response: msg("Invalid API key") };
    }
    if (ctx.variant === "hosted" && account.subscription === false) {
      return { ok: false, response: msg("No subscription found") };
    }
    return { ok: true, org: account.organization ?? "org_default" };
  }

  function rateHeaders(snap) {
    return {
      "x-ratelimit-limit": String(snap.limit),
      "x-ratelimit-remaining": String(snap.remaining),
      "x-ratelimit-reset": String(snap.resetInSec),
    };
  }

  function createPost(ctx, auth) {
    const snap = limiter.take(auth.org);
    const headers = rateHeaders(snap);
    if (!snap.allowed) {
      return json(429, { statusCode: 429, message: "ThrottlerException: Too Many Requests" }, { ...headers, "retry-after": String(snap.resetInSec) });
    }
    const withHeaders = (r) => ({ ...r, headers: { ...headers, ...r.headers } });
    if (env.config.postiz.planLimitReached) {
      return withHeaders(
        nest(402, "You have reached the maximum number of posts for your subscription plan", { url: "https://platform.postiz.com/billing" }),
      );
    }
    const parsed = parseJsonBody(ctx.body);
    if (!parsed.ok || !isPlainObject(parsed.value)) {
      return withHeaders(nest(400, ["body must be a JSON object"], { error: "Bad Request" }));
    }
    const body = parsed.value;
    if (body.posts !== undefined && !Array.isArray(body.posts)) {
      return withHeaders(nest(400, ["posts must be an array"], { error: "Bad Request" }));
    }
    const entries = body.posts?.length ? body.posts : [{ integration: null, value: body.value ?? [] }];
    const group = env.ids.id("grp");
    const created = [];
    for (const entry of entries) {
      const integrationId = entry?.integration?.id ?? null;
      let integration = null;
      if (integrationId !== null) {
        integration = state.integrations.find((i) => i.id === integrationId);
        if (!integration) {
          return withHeaders(
            json(400, { statusCode: 400, provider: "unknown", name: "integration", message: `Integration ${integrationId} not found` }),
          );
        }
      }
      created.push({
        id: env.ids.id("post"),
        group,
        organization: auth.org,
        integration: integration ? { id: integration.id, providerIdentifier: integration.identifier } : null,
        type: body.type ?? "draft",
        publishDate: body.date ?? new Date(env.now()).toISOString(),
        value: entry?.value ?? [],
        settings: entry?.settings ?? {},
        tags: body.tags ?? [],
        createdAt: new Date(env.now()).toISOString(),
      });
    }
    state.posts.push(...created);
    return withHeaders(json(201, created.map((p) => ({ postId: p.id, integration: p.integration?.id ?? null, group }))));
  }

  function deletePost(ctx, auth) {
    const target = state.posts.find((p) => p.organization === auth.org && (p.id === ctx.params.id || p.group === ctx.params.id));
    if (!target) return nest(404, "Post not found", { error: "Not Found" });
    const before = state.posts.length;
    state.posts = state.posts.filter((p) => !(p.organization === auth.org && p.group === target.group));
    return json(200, { id: ctx.params.id, deleted: true, count: before - state.posts.length });
  }

  function upload(ctx, auth) {
    if (ctx.bodyTooLarge) return nest(413, "File too large", { error: "Payload Too Large" });
    const mp = readMultipart(ctx);
    if (!mp.ok) return nest(400, "Expected multipart/form-data with a 'file' field", { error: "Bad Request" });
    const file = mp.parts.find((p) => p.name === "file" && p.filename !== null);
    if (!file) return nest(400, "No file uploaded", { error: "Bad Request" });
    const id = env.ids.uuid();
    const item = {
      id,
      name: file.filename,
      path: `https://uploads.postiz.com/emulated/${id}/${encodeURIComponent(file.filename)}`,
      size: file.data.length,
      mimeType: file.contentType,
      organizationId: auth.org,
    };
    state.uploads.push(item);
    return json(201, item);
  }

  const routes = compileRoutes([
    ["GET", "/integrations", () => json(200, state.integrations)],
    ["GET", "/is-connected", () => json(200, { connected: true })],
    ["GET", "/posts", (ctx, auth) => json(200, { posts: state.posts.filter((p) => p.organization === auth.org) })],
    ["POST", "/posts", createPost],
    ["DELETE", "/posts/:id", deletePost],
    ["POST", "/upload", upload],
  ]);

  async function handle(ctx) {
    const auth = authenticate(ctx);
    if (!auth.ok) return auth.response;
    const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, "") : ctx.path;
    const m = matchRoute(routes, ctx.method, path);
    if (!m || m.allowed) return nest(404, `Cannot ${ctx.method} ${ctx.basePath.replace(/^\/postiz(-self\/api)?/, "")}${ctx.path}`, { error: "Not Found" });
    ctx.params = m.params;
    return m.handler(ctx, auth);
  }

  function errorBody(status, { retryAfterInBody, retryAfter } = {}) {
    let body;
    if (status === 401) body = { msg: "Invalid API key" };
    else if (status === 402) body = { statusCode: 402, message: "Payment required", url: "https://platform.postiz.com/billing" };
    else if (status === 429) body = { statusCode: 429, message: "ThrottlerException: Too Many Requests" };
    else if (status >= 500) body = { statusCode: status, message: status === 500 ? "Internal server error" : statusText(status) };
    else body = { statusCode: status, message: statusText(status) };
    if (retryAfterInBody) body.retryAfter = retryAfter;
    return body;
  }

  return {
    id: "postiz",
    reset,
    handle,
    errorBody,
    rateLimitStyle: "header",
    secrets: () => [...state.apiKeys.keys(), ...state.oauth.keys()],
    state: () => ({ posts: state.posts.length, uploads: state.uploads.length }),
  };
}
