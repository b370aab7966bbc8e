// The emulator against the providers' own code (issue 16): each test pins one behaviour of the
// real server, named with the source file it follows (see pkg/emulator/README.md).
import { test, describe, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, DEMO_KEYS as K } from "../../pkg/emulator/index.js";
import { call, fileForm } from "./helpers.js";

const T = { timeout: 20000 };
let emu;
before(async () => {
  emu = await startEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(() => emu.reset());

const key = { Authorization: K.postiz.apiKey };
const postiz = (path, init = {}) => call(`${emu.urls.postiz}${path}`, init);
const jsonInit = (method, body, headers = key) => ({ method, headers: { ...headers, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
const post = (over = {}, postOver = {}) => ({
  type: "schedule",
  shortLink: false,
  date: "2030-01-01T10:00:00Z",
  tags: [],
  posts: [{ integration: { id: "int_x_demo" }, value: [{ content: "hello", image: [] }], ...postOver }],
  ...over,
});
const range = "startDate=2020-01-01T00:00:00Z&endDate=2040-01-01T00:00:00Z";
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001", "hex");
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypmp42"), Buffer.alloc(12)]);

describe("Postiz throttler (app.module.ts, throttler.provider.ts, @nestjs/throttler)", () => {
  test("hosted mount: 30 posts an hour per organization; self-hosted: the server default API_LIMIT 90", T, async () => {
    const hosted = await postiz("/posts", jsonInit("POST", post()));
    assert.deepEqual([hosted.status, hosted.headers.get("x-ratelimit-limit"), hosted.headers.get("x-ratelimit-remaining")], [201, "30", "29"]);
    const self = await call(`${emu.urls.postizSelf}/posts`, jsonInit("POST", post()));
    assert.deepEqual([self.status, self.headers.get("x-ratelimit-limit"), self.headers.get("x-ratelimit-remaining")], [201, "90", "89"]);
    const reset = Number(self.headers.get("x-ratelimit-reset"));
    assert.ok(reset > 3500 && reset <= 3600, `X-RateLimit-Reset is seconds to the window's end (${reset})`);
  });

  test("both limits are configurable; GET and other routes are never throttled", T, async () => {
    const e = await startEmulator({ postiz: { postRateLimit: 1, selfPostRateLimit: 2 } });
    try {
      const mk = (url) => call(`${url}/posts`, jsonInit("POST", post()));
      assert.equal((await mk(e.urls.postiz)).status, 201);
      assert.equal((await mk(e.urls.postiz)).status, 429);
      assert.equal((await mk(e.urls.postizSelf)).status, 201);
      assert.equal((await mk(e.urls.postizSelf)).status, 201);
      assert.equal((await mk(e.urls.postizSelf)).status, 429);
      assert.equal((await call(`${e.urls.postiz}/posts?${range}`, { headers: key })).status, 200);
      assert.deepEqual(e.stats().refused, { poesius: 0, poelis: 0, powerpost: 0, postiz: 1, "postiz-self": 1 });
    } finally {
      await e.close();
    }
  });

  test("a blocked request gets only Retry-After, and the block lasts a whole window from when it began", T, async () => {
    const e = await startEmulator({ postiz: { postRateLimit: 1, postRateWindowSec: 2 } });
    try {
      const mk = () => call(`${e.urls.postiz}/posts`, jsonInit("POST", post()));
      assert.equal((await mk()).status, 201); // the window runs 2 s from here
      await new Promise((r) => setTimeout(r, 1100));
      const blocked = await mk(); // blocked for 2 s from here
      assert.equal(blocked.status, 429);
      assert.equal(blocked.headers.get("retry-after"), "2");
      for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) assert.equal(blocked.headers.get(h), null, h);
      await new Promise((r) => setTimeout(r, 1100)); // the first window is over, the block is not
      const still = await mk();
      assert.equal(still.status, 429, "a fixed window would have let this through");
      assert.ok(Number(still.headers.get("retry-after")) >= 1);
    } finally {
      await e.close();
    }
  });
});

describe("Postiz routes and auth (public.api.module.ts, public.auth.middleware.ts)", () => {
  test("an unknown public path is Nest's 404 without an auth check", T, async () => {
    for (const [method, path] of [["GET", "/nope"], ["PATCH", "/posts"], ["GET", "/"]]) {
      const r = await postiz(path, { method });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.error, "Not Found");
      assert.equal(r.body.statusCode, 404);
      assert.match(r.body.message, /^Cannot (GET|PATCH) \/public\/v1/);
    }
    assert.deepEqual((await postiz("/integrations")).body, { msg: "No API Key found" }, "known routes still check");
  });

  test("every route of public.integrations.controller.ts exists and is authenticated", T, async () => {
    const routes = [
      ["POST", "/upload"], ["POST", "/upload-from-url"], ["GET", "/find-slot/int_x_demo"], ["GET", "/posts"], ["POST", "/posts"],
      ["DELETE", "/posts/group/g1"], ["DELETE", "/posts/p1"], ["GET", "/is-connected"], ["GET", "/groups"], ["GET", "/integrations"],
      ["GET", "/notifications"], ["POST", "/generate-video"], ["DELETE", "/integrations/int_x_demo"], ["GET", "/integration-settings/int_x_demo"],
      ["GET", "/posts/p1/missing"], ["PUT", "/posts/p1/settings"], ["PUT", "/posts/p1/status"], ["PUT", "/posts/p1/release-id"],
      ["GET", "/analytics/post/p1"], ["GET", "/analytics/int_x_demo"], ["POST", "/integration-trigger/int_x_demo"],
    ];
    for (const [method, path] of routes) {
      const r = await postiz(path, { method });
      assert.deepEqual([r.status, r.body], [401, { msg: "No API Key found" }], `${method} ${path}`);
      const withKey = await postiz(path, { method, headers: key });
      assert.ok(withKey.status !== 404 || withKey.body.msg, `${method} ${path} is a route (${withKey.status})`);
    }
  });

  test("the postiz CLI's routes answer with the server's shapes", T, async () => {
    const created = (await postiz("/posts", jsonInit("POST", post()))).body[0];
    let r = await postiz("/integration-settings/int_x_demo", { headers: key });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.output).sort(), ["maxLength", "rules", "settings", "tools"]);
    assert.equal(r.body.output.maxLength, 280);
    assert.deepEqual((await postiz("/integration-settings/nope", { headers: key })).body, { msg: "Integration not found" });
    r = await postiz("/integration-trigger/int_x_demo", jsonInit("POST", { methodName: "nope", data: {} }));
    assert.deepEqual([r.status, r.body], [404, { msg: "Tool not found" }]);
    r = await postiz("/analytics/int_x_demo?date=7", { headers: key });
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body));
    assert.deepEqual((await postiz(`/analytics/post/${created.postId}?date=7`, { headers: key })).body, []);
    assert.deepEqual((await postiz(`/posts/${created.postId}/missing`, { headers: key })).body, []);
    // release-id updates only a post whose releaseId is "missing" (a prisma update that finds none throws)
    assert.equal((await postiz(`/posts/${created.postId}/release-id`, jsonInit("PUT", { releaseId: "r1" }))).status, 500);
  });

  test("find-slot, groups, notifications, status, settings, group delete, channel delete, generate-video, upload-from-url", T, async () => {
    const e = await startEmulator({
      postiz: {
        customers: [{ id: "cust_1", name: "Client A" }],
        notifications: [{ id: "n1", content: "Posted", link: null, createdAt: "2024-01-01T00:00:00Z" }],
        remoteFiles: { "https://cdn.example.com/a.png": PNG.toString("base64"), "https://cdn.example.com/a.txt": Buffer.from("hi").toString("base64") },
      },
    });
    try {
      const pz = (path, init = {}) => call(`${e.urls.postiz}${path}`, { headers: key, ...init });
      assert.match((await pz("/find-slot/int_x_demo")).body.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00$/);
      assert.deepEqual((await pz("/groups")).body, [{ id: "cust_1", name: "Client A" }]);
      assert.deepEqual((await pz("/notifications")).body, {
        notifications: [{ id: "n1", content: "Posted", link: null, createdAt: "2024-01-01T00:00:00Z" }],
        total: 1,
        page: 0,
        limit: 100,
        hasMore: false,
      });
      const { postId } = (await pz("/posts", jsonInit("POST", post()))).body[0];
      assert.deepEqual((await pz(`/posts/${postId}/status`, jsonInit("PUT", { status: "draft" }))).body, { id: postId, state: "DRAFT" });
      assert.equal((await pz(`/posts/${postId}/status`, jsonInit("PUT", { status: "published" }))).status, 400);
      assert.deepEqual((await pz("/posts/nope/status", jsonInit("PUT", { status: "draft" }))).body, { message: "Post not found", error: "Bad Request", statusCode: 400 });
      const settings = await pz(`/posts/${postId}/settings`, jsonInit("PUT", { settings: { who_can_reply_post: "everyone" } }));
      assert.equal(settings.status, 200);
      const listed = (await pz(`/posts?${range}`)).body.posts;
      assert.equal(listed.length, 1);
      assert.deepEqual((await pz(`/posts/group/${listed[0].group}`, { method: "DELETE" })).body, { error: true });
      assert.equal((await pz(`/posts?${range}`)).body.posts.length, 0);
      assert.equal((await pz("/integrations/int_linkedin_demo", { method: "DELETE" })).status, 200);
      assert.deepEqual((await pz("/integrations")).body.map((i) => i.id), ["int_x_demo"]);
      assert.equal((await pz("/generate-video", jsonInit("POST", {}))).status, 400);
      let r = await pz("/upload-from-url", jsonInit("POST", { url: "http://127.0.0.1/a.png" }));
      assert.deepEqual([r.status, r.body.message], [400, ["URL must be a public HTTPS URL and cannot point to internal network addresses"]]);
      assert.deepEqual((await pz("/upload-from-url", jsonInit("POST", { url: "https://cdn.example.com/missing.png" }))).body, { msg: "Failed to fetch URL" });
      assert.deepEqual((await pz("/upload-from-url", jsonInit("POST", { url: "https://cdn.example.com/a.txt" }))).body, { msg: "Unsupported file type." });
      r = await pz("/upload-from-url", jsonInit("POST", { url: "https://cdn.example.com/a.png" }));
      assert.deepEqual([r.status, r.body.name, r.body.originalName], [201, "upload.png", null]);
    } finally {
      await e.close();
    }
  });

  test("no X-Request-ID on any Postiz answer", T, async () => {
    for (const r of [await postiz("/integrations", { headers: key }), await postiz("/integrations"), await postiz("/nope")]) {
      assert.equal(r.headers.get("x-request-id"), null);
    }
  });
});

describe("Postiz posts (posts.service.ts mapTypeToPost, CreatePostDto, GetPostsDto)", () => {
  test("POST /posts refuses {} and bodies CreatePostDto refuses; success is [{postId, integration}]", T, async () => {
    let r = await postiz("/posts", jsonInit("POST", {}));
    assert.deepEqual([r.status, r.body], [400, { message: "All posts must have an integration id", error: "Bad Request", statusCode: 400 }]);
    r = await postiz("/posts", jsonInit("POST", { posts: [{ integration: { id: "int_x_demo" }, value: [{}] }] }));
    assert.equal(r.status, 400);
    for (const m of ["shortLink must be a boolean value", "date must be a valid ISO 8601 date string", "tags must be an array", "posts.0.value.0.content must be a string", "posts.0.value.0.image must be an array"]) {
      assert.ok(r.body.message.includes(m), m);
    }
    r = await postiz("/posts", jsonInit("POST", post({}, { value: [] })));
    assert.ok(r.body.message.includes("posts.0.value must contain at least 1 elements"));
    r = await postiz("/posts", jsonInit("POST", post({}, { value: [{ content: "", image: [] }] })));
    assert.deepEqual([r.status, r.body], [400, { statusCode: 400, provider: "x", name: "Demo on X", message: "Your post should have at least one character or one image." }]);
    r = await postiz("/posts", jsonInit("POST", post({}, { value: [{ content: "y".repeat(281), image: [] }] })));
    assert.equal(r.body.message, "post is too long, please fix it");
    r = await postiz("/posts", jsonInit("POST", post()));
    assert.equal(r.status, 201);
    assert.deepEqual(Object.keys(r.body[0]).sort(), ["integration", "postId"]);
    assert.equal(emu.state().postiz.posts, 1);
  });

  test("GET /posts needs startDate and endDate and answers {posts: [...]} as the repository selects", T, async () => {
    let r = await postiz("/posts", { headers: key });
    assert.deepEqual([r.status, r.body], [400, { message: ["startDate must be a valid ISO 8601 date string", "endDate must be a valid ISO 8601 date string"], error: "Bad Request", statusCode: 400 }]);
    await postiz("/posts", jsonInit("POST", post({ tags: [{ value: "launch", label: "red" }] })));
    r = await postiz(`/posts?${range}`, { headers: key });
    assert.equal(r.status, 200);
    const p = r.body.posts[0];
    assert.deepEqual(Object.keys(p).sort(), ["content", "creationMethod", "group", "id", "integration", "intervalInDays", "publishDate", "releaseId", "releaseURL", "settings", "state", "tags"]);
    assert.deepEqual(Object.keys(p.integration).sort(), ["id", "name", "picture", "providerIdentifier"]);
    assert.equal(p.state, "QUEUE");
    assert.equal(typeof p.settings, "string");
    assert.equal((await postiz("/posts?startDate=2031-01-01T00:00:00Z&endDate=2032-01-01T00:00:00Z", { headers: key })).body.posts.length, 0);
  });
});

describe("Postiz upload (custom.upload.validation.ts, media.repository.ts)", () => {
  const up = (name, bytes, field = "file") => postiz("/upload", { method: "POST", headers: key, body: fileForm(field, name, bytes) });

  test("images and mp4 only, by their bytes, whatever the name or declared type", T, async () => {
    assert.deepEqual([(await up("a.png", Buffer.from("not an image"))).status, (await up("a.png", Buffer.from("not an image"))).body], [400, { message: "Unsupported file type.", error: "Bad Request", statusCode: 400 }]);
    assert.equal((await up("clip.mov", MP4)).body.name, "clip.mp4");
    const r = await up("pic", PNG);
    assert.deepEqual(Object.keys(r.body).sort(), ["alt", "id", "name", "originalName", "path", "thumbnail"]);
    assert.deepEqual([r.status, r.body.name, r.body.originalName, r.body.thumbnail, r.body.alt], [201, "pic.png", null, null, null]);
    assert.equal((await up("doc.pdf", Buffer.from("%PDF-1.4\n"))).status, 400);
  });

  test("images up to 10 MB; no file is {msg: 'No file provided'}", T, async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const r = await up("big.png", big);
    assert.deepEqual([r.status, r.body.message], [400, "File size exceeds the maximum allowed size of 10485760 bytes."]);
    assert.deepEqual((await up("a.png", PNG, "other")).body, { msg: "No file provided" });
    assert.deepEqual((await postiz("/upload", jsonInit("POST", {}))).body, { msg: "No file provided" });
  });
});

describe("Postiz integrations (public.integrations.controller.ts listIntegration)", () => {
  test("an empty customer is left out; ?group= keeps that customer's channels", T, async () => {
    const e = await startEmulator({
      postiz: {
        integrations: [
          { id: "int_a", name: "A", identifier: "x", picture: "", disabled: false, profile: "a", customer: { id: "cust_1", name: "Client" } },
          { id: "int_b", name: "B", identifier: "x", picture: "", disabled: false, profile: "b", customer: null },
        ],
      },
    });
    try {
      const all = (await call(`${e.urls.postiz}/integrations`, { headers: key })).body;
      const b = all.find((i) => i.id === "int_b");
      assert.equal("customer" in b, false);
      assert.deepEqual(all.find((i) => i.id === "int_a").customer, { id: "cust_1", name: "Client" });
      assert.deepEqual((await call(`${e.urls.postiz}/integrations?group=cust_1`, { headers: key })).body.map((i) => i.id), ["int_a"]);
    } finally {
      await e.close();
    }
  });
});

describe("Postiz CORS (apps/backend/src/main.ts)", () => {
  test("strict: its origins, credentials, its allowed and exposed headers", T, async () => {
    const e = await startEmulator({ cors: { postiz: "strict" } });
    try {
      const pre = (origin) => call(`${e.urls.postiz}/integrations`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
      for (const origin of ["https://platform.postiz.com", "http://localhost:6274"]) {
        const r = await pre(origin);
        assert.equal(r.status, 204);
        assert.equal(r.headers.get("access-control-allow-origin"), origin);
        assert.equal(r.headers.get("access-control-allow-credentials"), "true");
        assert.equal(r.headers.get("access-control-allow-headers"), "Content-Type,Authorization,auth,showorg,impersonate,x-copilotkit-runtime-client-gql-version");
        assert.equal(r.headers.get("access-control-allow-methods"), "GET,HEAD,PUT,PATCH,POST,DELETE");
      }
      assert.equal((await pre("https://myapp.example")).headers.get("access-control-allow-origin"), null);
      const r = await call(`${e.urls.postiz}/integrations`, { headers: { ...key, Origin: "https://platform.postiz.com" } });
      assert.equal(r.headers.get("access-control-expose-headers"), "reload,onboarding,activate,x-copilotkit-runtime-client-gql-version");
      assert.equal(r.headers.get("access-control-allow-credentials"), "true");
    } finally {
      await e.close();
    }
  });
});

describe("Poelis GraphQL (poelis_sdk/_transport.py and the resource clients)", () => {
  const gql = (query, variables = {}, auth = `Bearer ${K.poelis.apiKey}`) =>
    call(emu.urls.poelisGraphql, { method: "POST", headers: { Authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });

  test("the SDK's workspace queries answer the same workspaces as REST", T, async () => {
    const r = await gql("query SdkListWorkspaces($limit: Int!, $offset: Int!) {\n  workspaces(limit: $limit, offset: $offset) { id orgId name readableId }\n}", { limit: 50, offset: 0 });
    assert.equal(r.status, 200);
    const rest = (await call(`${emu.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } })).body.items;
    assert.deepEqual(r.body.data.workspaces.map((w) => [w.id, w.name]), rest.map((w) => [w.id, w.name]));
    assert.deepEqual(Object.keys(r.body.data.workspaces[0]), ["id", "orgId", "name", "readableId"]);
    assert.deepEqual((await gql("query SdkWorkspace($id: ID!) { workspace(id: $id) { id name } }", { id: "ws_9" })).body, { data: { workspace: null } });
  });

  test("products, items, versions, search and property updates; errors are 200 with errors[]", T, async () => {
    const products = (await gql("query($ws: ID!, $filter: ProductFilter, $limit: Int!, $offset: Int!) { products(workspaceId: $ws, filter: $filter, limit: $limit, offset: $offset) { id name workspaceId } }", { ws: "ws_1", filter: null, limit: 100, offset: 0 })).body.data.products;
    assert.deepEqual(products, [{ id: "prod_1", name: "Drone", workspaceId: "ws_1" }]);
    const items = (await gql("query($pid: ID!, $filter: ItemFilter) { items(productId: $pid, filter: $filter, limit: 100, offset: 0) { id parentId } }", { pid: "prod_1", filter: { rootOnly: true } })).body.data.items;
    assert.deepEqual(items, [{ id: "item_1", parentId: null }]);
    assert.equal((await gql("query($pid: ID!) { productVersions(productId: $pid) { versionNumber } }", { pid: "prod_1" })).body.data.productVersions[0].versionNumber, 1);
    const search = (await gql('query { searchProperties(q: "mass", limit: 20, offset: 0) { total hits { id value } } }')).body.data.searchProperties;
    assert.deepEqual(search, { total: 1, hits: [{ id: "prop_1", value: "1.2" }] });
    const upd = await gql('mutation { updateNumericProperty(id: "prop_1", value: "2.5") { id value parsedValue } }');
    assert.deepEqual(upd.body, { data: { updateNumericProperty: { id: "prop_1", value: "2.5", parsedValue: 2.5 } } });
    const missing = await gql('mutation { updateNumericProperty(id: "nope", value: "1") { id } }');
    assert.equal(missing.status, 200);
    assert.deepEqual(missing.body.errors[0].extensions, { code: "not_found" });
    assert.deepEqual(missing.body.data, { updateNumericProperty: null });
  });

  test("auth as the REST routes (Bearer); a document that is no GraphQL is a 400 with errors", T, async () => {
    const bad = await gql("{ workspaces { id } }", {}, K.poelis.apiKey);
    assert.deepEqual([bad.status, bad.body.error], [401, "unauthorized"]);
    assert.equal((await gql("{ workspaces { id } }", {}, `Bearer ${K.poelis.revokedKey}`)).status, 401);
    const parse = await gql("{ workspaces { id ");
    assert.equal(parse.status, 400);
    assert.ok(Array.isArray(parse.body.errors));
    const unknown = await gql("{ nothing }");
    assert.match(unknown.body.errors[0].message, /Cannot query field "nothing"/);
  });
});

describe("Poelis limit (docs.poelis.com: 60 a minute per organization, burst 10)", () => {
  test("a burst of 10, then 429 with Retry-After; X-RateLimit-* on each answer; refused requests counted", T, async () => {
    const e = await startEmulator();
    try {
      const get = () => call(`${e.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${K.poelis.apiKey}` } });
      const statuses = [];
      for (let i = 0; i < 12; i += 1) statuses.push((await get()).status);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
      const r = await get();
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("x-ratelimit-limit"), "60");
      assert.equal(r.headers.get("x-ratelimit-remaining"), "0");
      assert.equal(r.headers.get("retry-after"), "1", "one token a second");
      assert.ok(Number(r.headers.get("x-ratelimit-reset")) > Date.now() / 1000);
      const stats = await call(`${e.url}/_emulator/stats`);
      assert.ok(stats.body.refused.poelis >= 2);
      assert.equal(stats.body.refused.poelis, e.stats().refused.poelis);
      // the GraphQL endpoint draws from the same bucket
      const g = await call(e.urls.poelisGraphql, { method: "POST", headers: { Authorization: `Bearer ${K.poelis.apiKey}`, "content-type": "application/json" }, body: '{"query":"{ workspaces { id } }"}' });
      assert.equal(g.status, 429);
    } finally {
      await e.close();
    }
  });

  test("keys of one organization share the bucket; window and burst are configurable", T, async () => {
    const e = await startEmulator({
      poelis: { apiKeys: { poelis_api_orgA_one_AAAAAAAAAAAAAAAAAAAAAAAAAA: { organization: "A" }, poelis_api_orgA_two_BBBBBBBBBBBBBBBBBBBBBBBBBB: { organization: "A" } } },
      rateLimit: { poelis: { limit: 2, windowSec: 1, burst: 2 } },
    });
    try {
      const get = (k) => call(`${e.urls.poelis}/workspaces`, { headers: { Authorization: `Bearer ${k}` } });
      assert.equal((await get("poelis_api_orgA_one_AAAAAAAAAAAAAAAAAAAAAAAAAA")).status, 200);
      assert.equal((await get("poelis_api_orgA_two_BBBBBBBBBBBBBBBBBBBBBBBBBB")).status, 200);
      assert.equal((await get("poelis_api_orgA_one_AAAAAAAAAAAAAAAAAAAAAAAAAA")).status, 429);
      await new Promise((r) => setTimeout(r, 600)); // 2 a second: one token back
      assert.equal((await get("poelis_api_orgA_two_BBBBBBBBBBBBBBBBBBBBBBBBBB")).status, 200);
    } finally {
      await e.close();
    }
  });
});
