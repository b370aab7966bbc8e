// The pace option's types (issue 18).
import { Client, type PaceStore } from "keygate";
import { durablePacer } from "keygate/cloudflare";

new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: true });
new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: { limit: 60, windowMs: 60_000, burst: 10, maxWaitMs: 5_000 } });
const ns = { idFromName: (n: string) => n, get: (_id: unknown) => ({ fetch: (u: string, i?: RequestInit) => fetch(u, i) }) };
const store: PaceStore = durablePacer(ns);
new Client({ provider: "postiz", apiKey: "k", pace: { store, scope: "org_1" } });
// @ts-expect-error pace takes a boolean or options
new Client({ provider: "poelis", apiKey: "poelis_api_x", pace: "yes" });
