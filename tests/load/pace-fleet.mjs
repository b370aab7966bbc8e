// Shared by the pacing runs: one Miniflare with a pacer worker (the Durable Object) and four worker
// isolates bound to it, and the emulator-side counts (requests per echo id, refused).
import { Miniflare } from "miniflare";
import { ROOT, workerOptions } from "../support/miniflare.mjs";

export function startFleet(emu, keys, isolates = 4) {
  const bindings = {
    POELIS_KEY: keys.poelis.apiKey, POELIS_BASE: emu.urls.poelis,
    POSTIZ_KEY: keys.postiz.apiKey, POSTIZ_BASE: emu.urls.postiz,
  };
  const script = `${ROOT}tests/load/pace-worker.js`;
  const workers = [{ ...workerOptions(script, bindings), name: "pacer", durableObjects: { KEYGATE_PACER: "KeygatePacer" } }];
  for (let i = 1; i <= isolates; i++) {
    workers.push({ ...workerOptions(script, bindings), name: `w${i}`, durableObjects: { KEYGATE_PACER: { className: "KeygatePacer", scriptName: "pacer" } } });
  }
  return new Miniflare({ workers });
}

/** Sends `n` requests split over the isolates (each a closed loop of `c`), all at once. */
export async function runFleet(mf, { provider, prefix, n, c, limit, windowMs, burst, isolates = 4, timeoutMs = 120_000 }) {
  const per = Math.ceil(n / isolates);
  const runs = await Promise.all(Array.from({ length: isolates }, async (_, k) => {
    const w = await mf.getWorker(`w${k + 1}`);
    const qs = new URLSearchParams({ provider, prefix, start: String(k * per), n: String(Math.min(per, n - k * per)), c: String(c), limit: String(limit), windowMs: String(windowMs) });
    if (burst) qs.set("burst", String(burst));
    const res = await w.fetch(`http://w/run?${qs}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`isolate w${k + 1} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }));
  const sum = { ok: 0, rateLimited: 0, failures: 0, mismatched: 0, errors: {}, first: Infinity, last: 0 };
  for (const r of runs) {
    for (const k of ["ok", "rateLimited", "failures", "mismatched"]) sum[k] += r[k];
    for (const [e, v] of Object.entries(r.errors)) sum.errors[e] = (sum.errors[e] ?? 0) + v;
    sum.first = Math.min(sum.first, r.first);
    sum.last = Math.max(sum.last, r.last);
  }
  return sum;
}

/** Lost and duplicated, from the emulator's log of echo ids. */
export function tally(emu, prefix, n) {
  const seen = new Map();
  for (const e of emu.log) if (e.echo?.startsWith(prefix + "-") && e.status < 300) seen.set(e.echo, (seen.get(e.echo) ?? 0) + 1);
  let lost = 0, duplicated = 0;
  for (let i = 0; i < n; i++) {
    const c = seen.get(`${prefix}-${i}`) ?? 0;
    if (c === 0) lost++;
    if (c > 1) duplicated++;
  }
  return { lost, duplicated };
}
