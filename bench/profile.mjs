// Where the time of a request goes, for the README's explanation of the gap to raw fetch (issue 19):
// V8's sampling CPU profiler (node:inspector, 200 µs interval) over a bounded number of sequential
// requests per side, self time summed per part and divided by the number of requests. The parts
// are read from each sample's frame: keygate's wasm (wasm:// frames of a module the side named
// `fetch` did not run: undici parses HTTP in wasm too), keygate's JS (pkg/), fetch
// itself (undici), AbortController/AbortSignal/event targets and timers, the rest of Node's
// internals (streams, net, promises), GC, and V8/native time outside JS ("(program)"); idle time
// is left out where V8 marks it. Node does not mark its event-loop wait as idle, so the parts add
// up to wall time, and the profiler itself slows every side (2-3x): read the per-side differences,
// not the absolute figures. Sampling is statistical: differences under ~10 µs are noise.
import { Session } from "node:inspector/promises";

export function partOf(frame) {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "GC";
  if (functionName === "(idle)") return null;
  if (functionName === "(program)" || functionName === "(root)") return "V8/native (outside JS)";
  // Node's fetch runs wasm too (undici's llhttp parser): a wasm frame is keygate's only when its
  // module is not one the raw-fetch side also ran (resolved in profileSides).
  if (url.startsWith("wasm://") || /^\$?wasm-function/.test(functionName)) return `wasm ${url}`;
  if (/\/pkg\/(wasm|src)\//.test(url)) return "keygate JS (glue + core.js)";
  if (/node_modules\/(ky|ofetch|destr|ufo)\//.test(url)) return "peer library JS";
  if (/undici/.test(url)) return "fetch (undici)";
  if (/abort_controller|event_target|internal\/timers|^node:timers/.test(url)) return "AbortController + timers";
  if (url.startsWith("node:")) return "other Node internals (streams, net, promises)";
  if (url === "") return "V8 builtins (JSON, TextDecoder, Promise…)";
  return "bench harness";
}

export async function profileSides(sides, { requests, budgetMs }) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  const out = {};
  try {
    for (const [name, fn] of Object.entries(sides)) {
      await session.post("Profiler.start");
      const deadline = performance.now() + budgetMs;
      let n = 0;
      const t0 = performance.now();
      for (; n < requests && performance.now() < deadline; n++) await fn();
      const wall = performance.now() - t0;
      const { profile } = await session.post("Profiler.stop");
      const byId = new Map(profile.nodes.map((x) => [x.id, x]));
      const parts = {};
      // timeDeltas[i] is the time before sample i; attribute it to that sample's node.
      for (let i = 0; i < profile.samples.length; i++) {
        const part = partOf(byId.get(profile.samples[i]).callFrame);
        if (!part) continue;
        parts[part] = (parts[part] ?? 0) + profile.timeDeltas[i];
      }
      out[name] = { requests: n, wallUsPerRequest: (wall * 1000) / n, parts };
    }
  } finally {
    await session.post("Profiler.disable");
    session.disconnect();
  }
  // The wasm modules the raw-fetch side ran are undici's; any other is keygate's.
  const undiciWasm = new Set(Object.keys(out.fetch?.parts ?? {}).filter((k) => k.startsWith("wasm ")));
  for (const side of Object.values(out)) {
    const merged = {};
    for (const [k, v] of Object.entries(side.parts)) {
      const part = !k.startsWith("wasm ") ? k : undiciWasm.has(k) ? "fetch (undici)" : "keygate wasm";
      merged[part] = (merged[part] ?? 0) + v;
    }
    delete side.parts;
    side.usPerRequest = Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v / side.requests]).sort((a, b) => b[1] - a[1]));
  }
  return out;
}
