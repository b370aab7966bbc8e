// Pacing load (issue 18): a closed loop at 3x the limit for Poelis (token bucket, 60 a minute,
// burst 10) and for Postiz post creation (fixed window), the emulator's windows shortened, from
// Node (one client, in-memory pacer) and from 4 workerd isolates sharing one KeygatePacer Durable
// Object. Prints requests sent, 429s seen by the caller, 429s the server refused, throughput as a
// ratio of the limit (after the first burst), lost and duplicated. Loopback only; every loop is
// bounded in count and time. PACE_LOAD=reduced is the short run `make test-load` does;
// PACE_MIN_RATIO (default 0.95 full, 0 reduced) is the throughput the run must reach.
import { setMaxListeners } from "node:events";
import { Client } from "keygate";
import { pacer } from "keygate/pace";
import { startEmulator, DEMO_KEYS as K } from "keygate/emulator";
import { startFleet, runFleet, tally } from "./pace-fleet.mjs";

const reduced = process.env.PACE_LOAD === "reduced";
const MIN_RATIO = Number(process.env.PACE_MIN_RATIO ?? (reduced ? 0 : 0.95));
// Per provider: the emulator's limit, the client's policy (the same, in ms), requests (3 windows).
const RUNS = reduced
  ? [
      { provider: "poelis", limit: 60, windowSec: 6, burst: 10, n: 40 },
      { provider: "postiz", limit: 10, windowSec: 1, n: 30 },
    ]
  : [
      { provider: "poelis", limit: 60, windowSec: 6, burst: 10, n: 180 },
      // 20 s, not 3: Postiz's X-RateLimit-Reset is whole seconds to the window's end, taken as a
      // bound, which costs up to a second a window (measured 0.88 of the limit with 3 s windows;
      // nothing on the real one-hour window).
      { provider: "postiz", limit: 30, windowSec: 20, n: 90 },
    ];
const POST = { type: "draft", shortLink: false, date: "2030-01-01T10:00:00Z", tags: [], posts: [{ integration: { id: "int_x_demo" }, value: [{ content: "hi", image: [] }] }] };
const DEADLINE_MS = 180_000;

const rl = Object.fromEntries(RUNS.map((r) => [r.provider, { limit: r.limit, windowSec: r.windowSec, ...(r.burst ? { burst: r.burst } : {}) }]));
const emu = await startEmulator({ rateLimit: rl });
const deadline = AbortSignal.timeout(DEADLINE_MS);
// Node's first fetches load its HTTP stack and open its connections, blocking the event loop for a few hundred ms between a
// grant and its send: warm it before measuring (a one-time cost, not the pacer's).
await Promise.all(Array.from({ length: 30 }, () => fetch(`${emu.urls.poelis.split("/poelis")[0]}/_emulator/health`).then((r) => r.text())));
setMaxListeners(200, deadline); // every in-flight request listens to the shared deadline

async function fromNode(run, prefix) {
  // A 3% margin: the default 1% (100 ms on Poelis's real 10 s burst window) is 10 ms on the
  // shortened one, less than the event loop's jitter between a grant and its send here, where
  // the emulator shares the process with 30 loops.
  const pace = { limit: run.limit, windowMs: run.windowSec * 1000, ...(run.burst ? { burst: run.burst } : {}), marginPermille: 30, scope: `node-${run.provider}` };
  const client = new Client({ provider: run.provider, apiKey: K[run.provider].apiKey, baseUrl: emu.urls[run.provider], maxRetries: 0, pace: pacer(pace) });
  // 3x: three times as many loops as the burst, each sending back to back.
  const c = 3 * (run.burst ?? run.limit);
  let next = 0;
  const out = { ok: 0, rateLimited: 0, failures: 0, errors: {}, first: Infinity, last: 0 };
  async function loop() {
    while (next < run.n && !deadline.aborted) {
      const i = next++;
      const spec = run.provider === "postiz" ? { method: "POST", path: "/posts", json: POST } : { path: "/workspaces" };
      try {
        await client.request({ ...spec, headers: { "X-Keygate-Echo": `${prefix}-${i}` }, signal: deadline });
        out.ok++;
        out.first = Math.min(out.first, Date.now());
        out.last = Math.max(out.last, Date.now());
      } catch (e) {
        out.failures++;
        if (e.status === 429) out.rateLimited++;
        out.errors[e.name] = (out.errors[e.name] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: c }, loop));
  return out;
}

const figures = [];
let bad = false;
const mf = startFleet(emu, K);
try {
  await mf.ready;
  for (const run of RUNS) {
    for (const runtime of ["node", "workerd x4"]) {
      emu.reset();
      const prefix = `${run.provider}-${runtime === "node" ? "n" : "w"}`;
      const r = runtime === "node"
        ? await fromNode(run, prefix)
        : await runFleet(mf, { provider: run.provider, prefix, n: run.n, c: Math.ceil((3 * (run.burst ?? run.limit)) / 4), limit: run.limit, windowMs: run.windowSec * 1000, burst: run.burst, timeoutMs: DEADLINE_MS });
      const { lost, duplicated } = tally(emu, prefix, run.n);
      const refused = emu.stats().refused[run.provider];
      const rate = run.limit / run.windowSec;
      const ratio = (run.n - (run.burst ?? run.limit)) / (((r.last - r.first) / 1000) * rate);
      const f = { provider: run.provider, runtime, sent: run.n, answered: r.ok, callerSaw429: r.rateLimited, serverRefused: refused, ratio: Number(ratio.toFixed(3)), lost, duplicated, errors: r.errors };
      figures.push(f);
      console.log(`PACE ${JSON.stringify(f)}`);
      if (r.rateLimited || refused || lost || duplicated || r.failures || ratio < MIN_RATIO) bad = true;
    }
  }
} finally {
  await mf.dispose();
  await emu.close();
}
if (bad) {
  console.error(`pace load FAILED: every run needs 0 429s, 0 refused, 0 lost, 0 duplicated, 0 failures and a ratio >= ${MIN_RATIO}`);
  process.exit(1);
}
