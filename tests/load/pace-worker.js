// A Cloudflare Worker for the pacing runs (tests/load/pace-load.mjs, tests/js/cloudflare.test.mjs):
// `GET /run?provider=&start=&n=&c=&limit=&windowMs=&burst=` sends `n` requests (echo ids
// `<prefix>-<start+i>`) through keygate with `pace: pacer({ store: durablePacer(env.KEYGATE_PACER) })`,
// `c` at a time (a closed loop), and reports what came back. The same script is the pacer worker:
// it exports the Durable Object class. `GET /acquire?scope=&limit=&windowMs=` is one raw acquire.
import { Client } from "../../pkg/src/workerd.js";
import { durablePacer } from "../../pkg/src/cloudflare.js";
import { pacer } from "../../pkg/src/pace-workerd.js";

export { KeygatePacer } from "../../pkg/src/cloudflare.js";

const POST = { type: "draft", shortLink: false, date: "2030-01-01T10:00:00Z", tags: [], posts: [{ integration: { id: "int_x_demo" }, value: [{ content: "hi", image: [] }] }] };

export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    if (new URL(request.url).pathname === "/acquire") {
      // One raw acquire on the object of `scope` (the persistence test).
      const scope = q.get("scope");
      const stub = env.KEYGATE_PACER.get(env.KEYGATE_PACER.idFromName(scope));
      const policy = { limit: Number(q.get("limit")), windowMs: Number(q.get("windowMs")) };
      return stub.fetch("https://keygate-pacer/acquire", { method: "POST", body: JSON.stringify({ scope, policy }) });
    }
    const provider = q.get("provider");
    const start = Number(q.get("start"));
    const n = Math.min(10_000, Number(q.get("n")));
    const c = Math.min(100, Number(q.get("c")));
    const prefix = q.get("prefix");
    const pace = { store: durablePacer(env.KEYGATE_PACER), limit: Number(q.get("limit")), windowMs: Number(q.get("windowMs")) };
    if (q.get("burst")) pace.burst = Number(q.get("burst"));
    const client = new Client({ provider, apiKey: env[`${provider.toUpperCase()}_KEY`], baseUrl: env[`${provider.toUpperCase()}_BASE`], maxRetries: 0, timeoutMs: 10_000, pace: pacer(pace) });
    let next = start;
    let ok = 0, rateLimited = 0, failures = 0, mismatched = 0;
    const errors = {};
    const sent = [];
    async function worker() {
      while (next < start + n) {
        const i = next++;
        const id = `${prefix}-${i}`;
        const spec = provider === "postiz" ? { method: "POST", path: "/posts", json: POST } : { path: "/workspaces" };
        try {
          const res = await client.request({ ...spec, headers: { "X-Keygate-Echo": id } });
          sent.push(Date.now());
          if (provider !== "poelis" || res.headers["x-keygate-echo"] === id) ok++;
          else mismatched++;
        } catch (e) {
          failures++;
          if (e.status === 429) rateLimited++;
          errors[e.name] = (errors[e.name] ?? 0) + 1;
        }
      }
    }
    await Promise.all(Array.from({ length: c }, worker));
    return Response.json({ ok, rateLimited, failures, mismatched, errors, first: Math.min(...sent), last: Math.max(...sent) });
  },
};
