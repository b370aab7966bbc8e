// The pace option's types (issue 18): a pacer from keygate/pace (its own wasm, issue 19).
import { Client, type PaceStore } from "keygate";
import { pacer, type Pacer } from "keygate/pace";
import { durablePacer } from "keygate/cloudflare";

new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: pacer() });
new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: pacer({ limit: 60, windowMs: 60_000, burst: 10, maxWaitMs: 5_000 }) });
const ns = { idFromName: (n: string) => n, get: (_id: unknown) => ({ fetch: (u: string, i?: RequestInit) => fetch(u, i) }) };
const store: PaceStore = durablePacer(ns);
const shared: Pacer = pacer({ store, scope: "org_1" });
new Client({ provider: "postiz", apiKey: "k", pace: shared });
new Client({ provider: "postiz", apiKey: "k", pace: false });
// @ts-expect-error pace takes a pacer from keygate/pace, not true (a ConfigError at run time)
new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: true });
// @ts-expect-error nor a bare policy
new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: { limit: 60, windowMs: 60_000 } });
// @ts-expect-error pacer() takes a policy and/or { store, scope, maxWaitMs }
pacer({ limt: 5 });
