// A Cloudflare Worker that sends `n` requests (echo ids from `start`) through keygate to the
// emulator, `c` at a time, and reports what came back. Driven by tests/load/workerd-load.mjs.
import { Client } from "../../pkg/src/workerd.js";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const start = Number(url.searchParams.get("start"));
    const n = Number(url.searchParams.get("n"));
    const c = Number(url.searchParams.get("c"));
    const client = Client.fromEnv("poelis", env, { maxRetries: 2, timeoutMs: 5000 });
    let next = start;
    let ok = 0, failures = 0, mismatched = 0;
    const errors = {};
    async function worker() {
      while (next < start + n) {
        const i = next++;
        const id = `w-${i}`;
        const headers = { "X-Keygate-Echo": id };
        if (i % 25 === 0) headers["X-Keygate-Fault"] = "503";
        try {
          const res = await client.request({ path: "/workspaces", headers });
          if (res.headers["x-keygate-echo"] === id) ok++;
          else mismatched++;
        } catch (e) {
          failures++;
          errors[e.name] = (errors[e.name] ?? 0) + 1;
        }
      }
    }
    await Promise.all(Array.from({ length: c }, worker));
    return Response.json({ ok, failures, mismatched, errors });
  },
};
