// Poelis: engineering product data. Only `Authorization: Bearer poelis_api_…` is accepted.
// Errors: {"error": "<code>", "message": "...", "details"?: {...}}.
import { json } from "../lib/http.js";
import { bearerToken } from "../lib/auth.js";
import { compileRoutes, matchRoute } from "../lib/router.js";

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
    state = { keys: new Set(Object.keys(c.apiKeys).filter((k) => !c.apiKeys[k].revoked)), workspaces: structuredClone(c.workspaces) };
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

  async function handle(ctx) {
    const token = bearerToken(ctx.headers);
    if (!token || !state.keys.has(token)) return error(401, undefined);
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
    secrets: () => [...state.keys],
  };
}
