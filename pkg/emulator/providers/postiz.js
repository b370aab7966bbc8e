// Postiz: social scheduling, modelled on gitroomhq/postiz-app (see README.md, "Postiz, from the
// server's code"). `Authorization: <key>` raw: a `pos_` value is an OAuth token, anything else an
// API key (so `Bearer <key>` is an invalid key). Hosted (`/postiz/public/v1`) and self-hosted
// (`/postiz-self/api/public/v1`) share data; only hosted checks subscriptions (STRIPE_SECRET_KEY).
import { json, parseJsonBody, isPlainObject, statusText } from "../lib/http.js";
import { readMultipart } from "../lib/multipart.js";
import { compileRoutes, matchRoute } from "../lib/router.js";
import { createThrottler } from "../lib/ratelimit.js";
import { sniffMedia } from "../lib/sniff.js";

const msg = (status, text) => json(status, { msg: text });
/** Nest's HttpException body for a string message: `{message, error, statusCode}`. */
const nest = (status, message) => json(status, { message, error: statusText(status), statusCode: status });
const internal = () => json(500, { statusCode: 500, message: "Internal server error" });

const IMAGE_MAX = 10 * 1024 * 1024; // custom.upload.validation.ts getMaxSize
const VIDEO_MAX = 1024 * 1024 * 1024;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const isIsoDate = (v) => typeof v === "string" && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v));
/** Maximum lengths of the demo providers (the X provider's non-verified limit, LinkedIn's). */
const MAX_LENGTH = { x: 280, linkedin: 3000, "linkedin-page": 3000 };

export function createPostiz(env) {
  let state;
  let throttlers;

  function limitFor(variant) {
    const rl = env.config.rateLimit?.postiz;
    const c = env.config.postiz;
    return {
      limit: rl?.limit ?? (variant === "self" ? c.selfPostRateLimit : c.postRateLimit),
      windowSec: rl?.windowSec ?? c.postRateWindowSec,
    };
  }

  /** A post given in `postiz.posts` (e.g. `{id, integrationId, releaseId: "missing"}`), completed. */
  function seedPost(p) {
    const integration = env.config.postiz.integrations.find((i) => i.id === p.integrationId) ?? env.config.postiz.integrations[0];
    return {
      organization: "org_demo",
      parentPostId: null,
      content: "",
      image: "[]",
      publishDate: new Date(env.now()).toISOString(),
      releaseURL: null,
      releaseId: null,
      state: "PUBLISHED",
      intervalInDays: null,
      group: p.id,
      creationMethod: "API",
      settings: JSON.stringify({ __type: integration?.identifier }),
      tags: [],
      customerId: integration?.customer?.id ?? null,
      ...structuredClone(p),
      integrationId: integration?.id,
    };
  }

  function reset() {
    const c = env.config.postiz;
    state = {
      apiKeys: new Map(Object.entries(c.apiKeys)),
      oauth: new Map(Object.entries(c.oauthTokens)),
      integrations: structuredClone(c.integrations),
      customers: structuredClone(c.customers ?? []),
      notifications: structuredClone(c.notifications ?? []),
      posts: (c.posts ?? []).map((p) => seedPost(p)),
      uploads: [],
    };
    throttlers = { hosted: createThrottler(limitFor("hosted"), env.now), self: createThrottler(limitFor("self"), env.now) };
  }
  reset();

  /** public.auth.middleware.ts */
  function authenticate(ctx) {
    const value = ctx.header("authorization");
    if (!value) return { ok: false, response: msg(401, "No API Key found") };
    let account;
    if (value.startsWith("pos_")) {
      account = state.oauth.get(value);
      if (!account || account.revoked) return { ok: false, response: msg(401, "Invalid OAuth token") };
    } else {
      account = state.apiKeys.get(value);
      if (!account || account.revoked) return { ok: false, response: msg(401, "Invalid API key") };
    }
    if (ctx.variant === "hosted" && account.subscription === false) {
      return { ok: false, response: msg(401, "No subscription found") };
    }
    return { ok: true, org: account.organization ?? "org_default" };
  }

  const now = () => new Date(env.now());
  const integrationsOf = (org) => state.integrations.filter((i) => !i.organization || i.organization === org);
  const findIntegration = (org, id) => integrationsOf(org).find((i) => i.id === id && !i.deleted) ?? null;
  const bodyOf = (ctx) => {
    const parsed = parseJsonBody(ctx.body);
    return parsed.ok && isPlainObject(parsed.value) ? parsed.value : {};
  };

  // ---- POST /posts: mapTypeToPost, CreatePostDto, validatePosts, createPost ----------------

  /** class-validator's messages for CreatePostDto (after mapTypeToPost forced type "schedule"). */
  function validateCreate(body) {
    const out = [];
    if (typeof body.shortLink !== "boolean") out.push("shortLink must be a boolean value");
    if (!isIsoDate(body.date)) out.push("date must be a valid ISO 8601 date string");
    if (!Array.isArray(body.tags)) out.push("tags must be an array");
    else {
      body.tags.forEach((t, i) => {
        if (typeof t?.value !== "string") out.push(`tags.${i}.value must be a string`);
        if (typeof t?.label !== "string") out.push(`tags.${i}.label must be a string`);
      });
    }
    if (!Array.isArray(body.posts)) out.push("posts must be an array");
    else if (body.posts.length < 1) out.push("posts must contain at least 1 elements");
    else {
      body.posts.forEach((p, i) => {
        if (!Array.isArray(p.value)) out.push(`posts.${i}.value must be an array`);
        else if (p.value.length < 1) out.push(`posts.${i}.value must contain at least 1 elements`);
        else {
          p.value.forEach((v, j) => {
            const at = `posts.${i}.value.${j}`;
            if (typeof v?.content !== "string") out.push(`${at}.content must be a string`);
            if (!Array.isArray(v?.image)) out.push(`${at}.image must be an array`);
            else {
              v.image.forEach((m, k) => {
                if (typeof m?.path !== "string") out.push(`${at}.image.${k}.path must be a string`);
              });
            }
          });
        }
        if (p.group !== undefined && typeof p.group !== "string") out.push(`posts.${i}.group must be a string`);
      });
    }
    return out;
  }

  function createPost(ctx, auth) {
    // ThrottlerBehindProxyGuard: POST …/public/v1/posts only, tracker `${org.id}_posts`.
    const hit = throttlers[ctx.variant].take(`${auth.org}_posts`);
    if (!hit.allowed) {
      return json(429, { statusCode: 429, message: "ThrottlerException: Too Many Requests" }, { "retry-after": String(hit.retryAfterSec) });
    }
    const headers = { "x-ratelimit-limit": String(hit.limit), "x-ratelimit-remaining": String(hit.remaining), "x-ratelimit-reset": String(hit.resetInSec) };
    const withHeaders = (r) => ({ ...r, headers: { ...headers, ...r.headers } });
    if (env.config.postiz.planLimitReached) {
      // PoliciesGuard / SubscriptionExceptionFilter
      return withHeaders(json(402, { statusCode: 402, message: "You have reached the maximum number of posts for your subscription plan", url: "https://platform.postiz.com/billing" }));
    }
    const parsed = parseJsonBody(ctx.body);
    const body = parsed.ok && isPlainObject(parsed.value) ? parsed.value : {};
    if (!parsed.ok && ctx.body.length > 0) return withHeaders(nest(400, "Unexpected token in JSON"));
    if (!Array.isArray(body.posts) || !body.posts.every((p) => p?.integration?.id)) {
      return withHeaders(nest(400, "All posts must have an integration id"));
    }
    const mapped = [];
    for (const p of body.posts) {
      const integration = findIntegration(auth.org, String(p.integration.id));
      if (!integration) return withHeaders(nest(400, `Integration with id ${p.integration.id} not found`));
      mapped.push({ post: p, integration });
    }
    const problems = validateCreate(body);
    if (problems.length) return withHeaders(json(400, { message: problems, error: "Bad Request", statusCode: 400 }));
    const type = body.type;
    for (const { post, integration } of mapped) {
      const fail = (error) => withHeaders(json(400, { statusCode: 400, provider: integration.identifier, name: integration.name, message: error }));
      if (post.value.every((v) => v.content.trim() === "" && v.image.length === 0)) return fail("Your post should have at least one character or one image.");
      if (type !== "draft" && post.value.some((v) => v.content.length > (MAX_LENGTH[integration.identifier] ?? Infinity))) return fail("post is too long, please fix it");
    }
    const created = [];
    for (const { post, integration } of mapped) {
      const group = post.group ?? env.ids.uuid();
      const publishDate = type === "now" ? now().toISOString() : new Date(body.date).toISOString();
      let parent = null;
      post.value.forEach((v, i) => {
        const id = env.ids.id("post");
        state.posts.push({
          id,
          organization: auth.org,
          parentPostId: parent,
          content: v.content,
          image: JSON.stringify(v.image ?? []),
          publishDate,
          releaseURL: null,
          releaseId: null,
          state: type === "draft" ? "DRAFT" : "QUEUE",
          intervalInDays: body.inter ?? null,
          group,
          creationMethod: body.creationMethod === "CLI" ? "CLI" : "API",
          settings: JSON.stringify({ ...(post.settings ?? {}), __type: integration.identifier }),
          tags: (body.tags ?? []).map((t) => ({ tag: { name: t.value, color: t.label } })),
          integrationId: integration.id,
          customerId: integration.customer?.id ?? null,
        });
        if (i === 0) {
          parent = id;
          created.push({ postId: id, integration: integration.id });
        }
      });
    }
    return withHeaders(json(201, created));
  }

  // ---- reading and changing posts -------------------------------------------------------

  function listPosts(ctx, auth) {
    const startDate = ctx.query.get("startDate");
    const endDate = ctx.query.get("endDate");
    const problems = [];
    if (!isIsoDate(startDate)) problems.push("startDate must be a valid ISO 8601 date string");
    if (!isIsoDate(endDate)) problems.push("endDate must be a valid ISO 8601 date string");
    const customer = ctx.query.get("customer");
    if (problems.length) return json(400, { message: problems, error: "Bad Request", statusCode: 400 });
    const from = Date.parse(startDate);
    const to = Date.parse(endDate);
    const posts = state.posts
      .filter((p) => p.organization === auth.org && p.parentPostId === null && !p.deletedAt)
      .filter((p) => !customer || p.customerId === customer)
      .filter((p) => p.intervalInDays !== null || (Date.parse(p.publishDate) >= from && Date.parse(p.publishDate) <= to))
      .map((p) => {
        const integration = state.integrations.find((i) => i.id === p.integrationId);
        return {
          id: p.id,
          content: p.content,
          publishDate: p.publishDate,
          releaseURL: p.releaseURL,
          releaseId: p.releaseId,
          state: p.state,
          intervalInDays: p.intervalInDays,
          group: p.group,
          creationMethod: p.creationMethod,
          settings: p.settings,
          tags: p.tags,
          integration: { id: integration.id, providerIdentifier: integration.identifier, name: integration.name, picture: integration.picture ?? null },
        };
      });
    return json(200, { posts });
  }

  const livePost = (org, id) => state.posts.find((p) => p.organization === org && p.id === id && !p.deletedAt) ?? null;

  function deleteGroup(org, group) {
    for (const p of state.posts) if (p.organization === org && p.group === group) p.deletedAt = now().toISOString();
    return json(200, { error: true }); // posts.service.ts deletePost returns this, whatever happened
  }

  function deletePost(ctx, auth) {
    // getPost reads posts[0].integrationId of an empty list for an unknown id: an uncaught TypeError.
    const post = livePost(auth.org, ctx.params.id);
    if (!post) return internal();
    return deleteGroup(auth.org, post.group);
  }

  function postMissing(ctx, auth) {
    const post = livePost(auth.org, ctx.params.id);
    if (!post || post.releaseId !== "missing") return json(200, []);
    return json(200, structuredClone(env.config.postiz.missingContent ?? []));
  }

  function prismaRecord(p) {
    const { organization, tags: _t, customerId: _c, ...rest } = p;
    return { ...rest, organizationId: organization, deletedAt: p.deletedAt ?? null };
  }

  function updateReleaseId(ctx, auth) {
    const post = livePost(auth.org, ctx.params.id);
    // prisma update `where: {id, organizationId, releaseId: 'missing'}`: no such record throws.
    if (!post || post.releaseId !== "missing") return internal();
    post.releaseId = String(bodyOf(ctx).releaseId);
    return json(200, prismaRecord(post));
  }

  function changeStatus(ctx, auth) {
    const status = bodyOf(ctx).status;
    if (status !== "draft" && status !== "schedule") {
      return json(400, { message: ["status must be one of the following values: draft, schedule"], error: "Bad Request", statusCode: 400 });
    }
    const post = livePost(auth.org, ctx.params.id);
    if (!post) return nest(400, "Post not found");
    post.state = status === "draft" ? "DRAFT" : "QUEUE";
    return json(200, { id: ctx.params.id, state: post.state });
  }

  function updateSettings(ctx, auth) {
    const settings = bodyOf(ctx).settings;
    if (!isPlainObject(settings)) return json(400, { message: ["settings must be an object"], error: "Bad Request", statusCode: 400 });
    const post = livePost(auth.org, ctx.params.id);
    if (!post) return nest(400, "Post not found");
    if (post.state === "PUBLISHED") return nest(400, "Published posts cannot be changed");
    post.settings = JSON.stringify({ ...JSON.parse(post.settings), ...settings });
    return json(200, { id: post.id, settings: JSON.parse(post.settings) });
  }

  // ---- uploads: custom.upload.validation.ts, media.repository.ts saveFile -----------------

  function saveMedia(auth, name, data) {
    const id = env.ids.uuid();
    const item = { id, name, originalName: null, path: `https://uploads.postiz.com/emulated/${id}/${encodeURIComponent(name)}`, thumbnail: null, alt: null };
    state.uploads.push({ ...item, organization: auth.org, size: data.length });
    return json(201, item);
  }

  function upload(ctx, auth) {
    if (ctx.bodyTooLarge) return nest(413, "File too large");
    const mp = readMultipart(ctx);
    // multer hands the handler no file for a non-multipart body or one without a `file` field.
    const file = mp.ok ? mp.parts.find((p) => p.name === "file" && p.filename !== null) : null;
    if (!file) return msg(400, "No file provided");
    const detected = sniffMedia(file.data);
    if (!detected) return nest(400, "Unsupported file type.");
    const max = detected.mime.startsWith("image/") ? IMAGE_MAX : VIDEO_MAX;
    if (file.data.length > max) return nest(400, `File size exceeds the maximum allowed size of ${max} bytes.`);
    const base = (file.filename || "upload").replace(/\.[^./\\]*$/, "").replace(/[\\/]/g, "_").slice(0, 100) || "upload";
    return saveMedia(auth, `${base}.${detected.ext}`, file.data);
  }

  function uploadFromUrl(ctx, auth) {
    const url = bodyOf(ctx).url;
    let u = null;
    try {
      u = typeof url === "string" ? new URL(url) : null;
    } catch {
      u = null;
    }
    if (!u || u.protocol !== "https:" || /^(localhost|127\.|10\.|192\.168\.|169\.254\.|\[)/i.test(u.hostname)) {
      return json(400, { message: ["URL must be a public HTTPS URL and cannot point to internal network addresses"], error: "Bad Request", statusCode: 400 });
    }
    // The emulator never leaves loopback: only URLs listed in `postiz.remoteFiles` "exist".
    const b64 = env.config.postiz.remoteFiles?.[url];
    if (typeof b64 !== "string") return msg(400, "Failed to fetch URL");
    const data = Buffer.from(b64, "base64");
    const detected = sniffMedia(data);
    if (!detected) return msg(400, "Unsupported file type.");
    if (data.length > (detected.mime.startsWith("image/") ? IMAGE_MAX : VIDEO_MAX)) return msg(400, "File is too large.");
    return saveMedia(auth, `upload.${detected.ext}`, data);
  }

  // ---- integrations -------------------------------------------------------------------------

  function listIntegrations(ctx, auth) {
    const group = ctx.query.get("group");
    return json(
      200,
      integrationsOf(auth.org)
        .filter((i) => !i.deleted)
        .filter((i) => !group || i.customer?.id === group)
        .map((i) => {
          const out = { id: i.id, name: i.name, identifier: i.identifier, picture: i.picture, disabled: i.disabled, profile: i.profile };
          // `customer: undefined` is dropped by JSON.stringify: an integration without one has no key.
          if (i.customer) out.customer = { id: i.customer.id, name: i.customer.name };
          return out;
        }),
    );
  }

  const toolsFor = (identifier) => env.config.postiz.tools?.[identifier] ?? [];

  function integrationSettings(ctx, auth) {
    const i = findIntegration(auth.org, ctx.params.id);
    if (!i) return msg(404, "Integration not found");
    return json(200, {
      output: { rules: env.config.postiz.rules?.[i.identifier] ?? "", maxLength: MAX_LENGTH[i.identifier] ?? 0, settings: "No additional settings required", tools: toolsFor(i.identifier) },
    });
  }

  function integrationTrigger(ctx, auth) {
    const i = findIntegration(auth.org, ctx.params.id);
    if (!i) return msg(404, "Integration not found");
    const body = bodyOf(ctx);
    const tool = toolsFor(i.identifier).find((t) => t.methodName === body.methodName);
    if (!tool) return msg(404, "Tool not found");
    return json(200, { output: structuredClone(tool.output ?? []) });
  }

  function deleteChannel(ctx, auth) {
    const i = findIntegration(auth.org, ctx.params.id);
    for (const p of state.posts) if (p.integrationId === ctx.params.id && p.organization === auth.org) p.deletedAt = now().toISOString();
    if (i) i.deleted = true;
    return json(200, { count: i ? 1 : 0 }); // prisma updateMany
  }

  function analytics(ctx, auth) {
    const i = findIntegration(auth.org, ctx.params.integration);
    if (!i) return json(200, []);
    const days = Number(ctx.query.get("date") ?? 7) || 7;
    const day = (n) => new Date(env.now() - n * 86400_000).toISOString().slice(0, 10);
    return json(200, [{ label: "Impressions", percentageChange: 0, data: Array.from({ length: Math.min(days, 90) }, (_, n) => ({ total: 0, date: day(n) })).reverse() }]);
  }

  function postAnalytics() {
    return json(200, []); // checkPostAnalytics: the emulator has no platform statistics
  }

  function findSlot(ctx) {
    const d = new Date(env.now() + 86400_000);
    return json(200, { date: `${d.toISOString().slice(0, 10)}T09:00:00` });
  }

  function notifications(ctx, auth) {
    const page = Number(ctx.query.get("page") ?? 0) || 0;
    const all = state.notifications.filter((n) => (n.organization ?? auth.org) === auth.org);
    const list = all.slice(page * 100, page * 100 + 100).map(({ id, content, link, createdAt }) => ({ id, content, link: link ?? null, createdAt }));
    return json(200, { notifications: list, total: all.length, page, limit: 100, hasMore: page * 100 + list.length < all.length });
  }

  function generateVideo(ctx) {
    const body = bodyOf(ctx);
    if (typeof body.type !== "string") return json(400, { message: ["type must be a string"], error: "Bad Request", statusCode: 400 });
    return nest(400, "Video type not found"); // no video provider is configured in the emulator
  }

  // public.integrations.controller.ts, in its order.
  const routes = compileRoutes([
    ["POST", "/upload", upload],
    ["POST", "/upload-from-url", uploadFromUrl],
    ["GET", "/find-slot/:id", findSlot],
    ["GET", "/posts", listPosts],
    ["POST", "/posts", createPost],
    ["DELETE", "/posts/group/:group", (ctx, auth) => deleteGroup(auth.org, ctx.params.group)],
    ["DELETE", "/posts/:id", deletePost],
    ["GET", "/is-connected", () => json(200, { connected: true })],
    ["GET", "/groups", () => json(200, state.customers.map((c) => ({ id: c.id, name: c.name })))],
    ["GET", "/integrations", listIntegrations],
    ["GET", "/notifications", notifications],
    ["POST", "/generate-video", generateVideo],
    ["DELETE", "/integrations/:id", deleteChannel],
    ["GET", "/integration-settings/:id", integrationSettings],
    ["GET", "/posts/:id/missing", postMissing],
    ["PUT", "/posts/:id/settings", updateSettings],
    ["PUT", "/posts/:id/status", changeStatus],
    ["PUT", "/posts/:id/release-id", updateReleaseId],
    ["GET", "/analytics/post/:postId", postAnalytics],
    ["GET", "/analytics/:integration", analytics],
    ["POST", "/integration-trigger/:id", integrationTrigger],
  ]);

  async function handle(ctx) {
    const path = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, "") : ctx.path;
    const m = matchRoute(routes, ctx.method, path);
    // The auth middleware is bound to the controller's routes: anything else is Nest's 404, unauthenticated.
    if (!m || m.allowed) return nest(404, `Cannot ${ctx.method} /public/v1${ctx.path === "/" ? "" : ctx.path}`);
    const auth = authenticate(ctx);
    if (!auth.ok) return auth.response;
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
    refused: () => ({ postiz: throttlers.hosted.refused, "postiz-self": throttlers.self.refused }),
    state: () => ({ posts: state.posts.filter((p) => p.parentPostId === null && !p.deletedAt).length, uploads: state.uploads.length }),
  };
}


/**
 * Postiz's backend CORS (apps/backend/src/main.ts, through the `cors` package): credentials,
 * its allowed and exposed header lists and the package's default methods are sent whatever the
 * origin; only Access-Control-Allow-Origin depends on the origin list.
 */
export const POSTIZ_CORS = Object.freeze({
  allowHeaders: "Content-Type,Authorization,auth,showorg,impersonate,x-copilotkit-runtime-client-gql-version",
  exposeHeaders: "reload,onboarding,activate,x-copilotkit-runtime-client-gql-version",
  methods: "GET,HEAD,PUT,PATCH,POST,DELETE",
});


/**
 * Demo credentials: `DEMO_KEYS.postiz` of config.js. Every value is fake and valid only against the
 * emulator; the defaults below register them.
 */
const DEMO = Object.freeze({
  apiKey: "af4bd559375af54ee1b9feb61b2d0793a97deb3864a8493ea50da9f221a5f861",
  noSubscriptionKey: "680d9e3fa32a91409de78c977e54d24813b0131c500c11dd1cfa9e68ce6df79e",
  oauthToken: "pos_7kQ2xR9vL4tW8zN3bH6cJ1pF5sY0gA2eK7uMdZp1",
  noSubscriptionOAuthToken: "pos_Xn5bT8qW2mK7rD4vH9cL3pS6yF1gJ0zA8eU5tRw2",
});

/** This provider's part of the emulator's config (config.js merges and validates it). */
const CONFIG = {
  /** `DEFAULT_CONFIG.postiz`. */
  defaults: {
    apiKeys: {
      [DEMO.apiKey]: { subscription: true, organization: "org_demo" },
      [DEMO.noSubscriptionKey]: { subscription: false, organization: "org_nosub" },
    },
    oauthTokens: {
      [DEMO.oauthToken]: { subscription: true, organization: "org_demo" },
      [DEMO.noSubscriptionOAuthToken]: { subscription: false, organization: "org_nosub" },
    },
    integrations: [
      { id: "int_x_demo", name: "Demo on X", identifier: "x", picture: "", disabled: false, profile: "keygate_demo", customer: null },
      { id: "int_linkedin_demo", name: "Demo on LinkedIn", identifier: "linkedin", picture: "", disabled: false, profile: "keygate-demo", customer: null },
    ],
    // Posts per organization per window on POST /posts: hosted as the hosted docs say (30/hour),
    // self-hosted as the server's default (API_LIMIT = 90, apps/backend/src/app.module.ts).
    postRateLimit: 30,
    selfPostRateLimit: 90,
    postRateWindowSec: 3600,
    customers: [],
    notifications: [],
    /** Posts that exist from the start, e.g. `{id, integrationId, releaseId: "missing"}` for posts:connect. */
    posts: [],
    /** What GET /posts/:id/missing lists for a post whose releaseId is "missing": `[{id, url}]`. */
    missingContent: [],
    /** Tools per provider identifier, as integration-settings lists them: `[{methodName, output?}]`. */
    tools: {},
    /** URLs upload-from-url can "fetch" (the emulator never leaves loopback): url -> base64 bytes. */
    remoteFiles: {},
    planLimitReached: false,
  },
  /** Credential collections: the user's are added to the demo ones (`"defaults": false`: none). */
  credentialFields: ["apiKeys", "oauthTokens"],
  /** Data emptied by `"defaults": false`. */
  data: ["integrations"],
  /** Fields that must be numbers (`[field, {min}]`, min 0 by default) and arrays. */
  numbers: [["postRateLimit"], ["selfPostRateLimit"], ["postRateWindowSec", { min: 1 }]],
  arrays: ["integrations"],
};

/**
 * How the emulator mounts Postiz (read by server.js, cli.js and lib/cors.js through
 * providers/index.js): hosted and self-hosted mounts, URL names, CLI rows, front-end origins and
 * its own CORS answer. No shared limiter: its throttler (post creation only) is in this file.
 */
export const EMULATOR = Object.freeze({
  id: "postiz",
  name: "Postiz",
  create: createPostiz,
  demoKeys: DEMO,
  config: CONFIG,
  mounts: [
    { prefix: "/postiz/public/v1", key: "postiz", corsKey: "postiz", variant: "hosted" },
    { prefix: "/postiz-self/api/public/v1", key: "postiz-self", corsKey: "postizSelf", variant: "self" },
  ],
  urls: {
    postiz: "/postiz/public/v1",
    postizRoot: "/postiz",
    postizSelf: "/postiz-self/api/public/v1",
    postizSelfRoot: "/postiz-self/api",
  },
  listing: [
    ["postiz", (u) => `${u.postiz}   (backend root: ${u.postizRoot})`],
    ["postiz self-hosted", (u) => `${u.postizSelf}   (backend root: ${u.postizSelfRoot})`],
  ],
  // apps/backend/src/main.ts: [FRONTEND_URL, "http://localhost:6274", MAIN_URL?].
  origins: {
    postiz: ["https://platform.postiz.com", "http://localhost:6274"],
    postizSelf: ["https://postiz.example.com", "http://localhost:6274"],
  },
  // Under a "strict" policy Postiz answers with its backend's own CORS headers (lib/cors.js).
  cors: POSTIZ_CORS,
  limiter: null,
  // Postiz sets no request-id header (its backend has none); the log still numbers the request.
  requestId: false,
});

/** This provider's part of the emulator's typings: scripts/gen.mjs writes pkg/emulator/providers.d.ts
 * from it (`config`: the type of `EmulatorConfig.postiz`; `urls`: docs of `EMULATOR.urls`' entries). */
export const TYPES = Object.freeze({
  config: `{
  apiKeys?: Credentials<{ subscription?: boolean; organization?: string; revoked?: boolean }>;
  oauthTokens?: Credentials<{ subscription?: boolean; organization?: string; revoked?: boolean }>;
  integrations?: Array<Record<string, unknown>>;
  /** POST /posts per organization per window: hosted (default 30). */
  postRateLimit?: number;
  /** The same on the self-hosted mount (default 90, the server's API_LIMIT default). */
  selfPostRateLimit?: number;
  postRateWindowSec?: number;
  planLimitReached?: boolean;
  customers?: Array<{ id: string; name: string }>;
  notifications?: Array<{ id: string; content: string; link?: string | null; createdAt: string }>;
  tools?: Record<string, Array<{ methodName: string; output?: unknown; [k: string]: unknown }>>;
  posts?: Array<Record<string, unknown>>;
  missingContent?: Array<{ id: string; url: string }>;
  remoteFiles?: Record<string, string>;
  }`,
});
